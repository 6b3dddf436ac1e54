"""`mlwarden baseline create|update|import` and the hook reading the baseline."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlwarden.checks.secrets.baseline import read_detect_secrets
from mlwarden.commands import baseline as baseline_command
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import HookResult
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import git, judge, run_mlwarden

F = Fakes(47)
BASELINE = ".mlwarden-secrets-baseline.json"


def hook(repo: Path, *names: str) -> HookResult:
    return judge("secrets", repo, names)


def write(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", name)


@pytest.fixture()
def repo(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(git_repo)
    return git_repo


def test_create_then_only_new_secrets_are_reported_and_moves_do_not_churn(repo: Path) -> None:
    old_key, new_key = F.token("hf"), F.token("hf")
    write(repo, "a.py", f"import os\nTOKEN = '{old_key}'\n")
    assert baseline_command.main(["create"]) == 0
    text = (repo / BASELINE).read_text()
    document = json.loads(text)
    assert [(e["path"], e["rule_id"]) for e in document["secrets"]] == [("a.py", "SEC001")]
    assert old_key not in text
    assert all(set(entry) == {"path", "rule_id", "hash"} for entry in document["secrets"])
    assert hook(repo, "a.py").findings == ()
    # Code moves down, a new key arrives: only the new key is reported.
    write(repo, "a.py", f"import os\n\n\n# moved\nTOKEN = '{old_key}'\nNEW = '{new_key}'\n")
    assert [(f.rule_id, f.location.line) for f in hook(repo, "a.py").findings] == [("SEC001", 6)]
    assert json.loads((repo / BASELINE).read_text()) == document  # the hook never writes it


def test_create_refuses_to_overwrite_update_keeps_notes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = F.token("groq"), F.token("groq")
    write(repo, "k.py", f"A = '{first}'\n")
    assert baseline_command.main(["create"]) == 0
    assert baseline_command.main(["create"]) == 2
    assert "update" in capsys.readouterr().err
    document = json.loads((repo / BASELINE).read_text())
    document["secrets"][0]["note"] = "revoked test key"
    (repo / BASELINE).write_text(json.dumps(document))
    write(repo, "k.py", f"A = '{first}'\nB = '{second}'\n")
    assert baseline_command.main(["update"]) == 0
    entries = json.loads((repo / BASELINE).read_text())["secrets"]
    assert sorted(e.get("note", "") for e in entries) == ["", "revoked test key"]
    write(repo, "k.py", "A = None\n")
    assert baseline_command.main(["update"]) == 0
    assert json.loads((repo / BASELINE).read_text())["secrets"] == []


def _detect_secrets_scan(repo: Path, *names: str) -> dict[str, Any]:
    exe = Path(sys.executable).with_name("detect-secrets")
    scanned = subprocess.run(
        [str(exe), "scan", *names], cwd=repo, capture_output=True, text=True, check=True
    )
    document: dict[str, Any] = json.loads(scanned.stdout)
    return document


def _audit(document: dict[str, Any], path: str, verdict: bool) -> None:
    for entry in document["results"][path]:
        entry["is_secret"] = verdict


def test_import_takes_only_what_was_audited_as_not_secret(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "aws.cfg", f"[default]\naws_access_key_id = {F.token('aws')}\n")
    write(repo, "gh.env", f"#\nGH_TOKEN={F.token('github')}\n")
    document = _detect_secrets_scan(repo, "aws.cfg", "gh.env")
    _audit(document, "aws.cfg", False)  # a reviewer said: test fixture, not a secret
    (repo / "ds.baseline").write_text(json.dumps(document))
    assert baseline_command.main(["import", "ds.baseline"]) == 0
    entries = json.loads((repo / BASELINE).read_text())["secrets"]
    assert [(e["path"], e["rule_id"]) for e in entries] == [
        ("aws.cfg", "detect-secrets:AWS Access Key")
    ]
    assert entries[0]["hash"].startswith("sha1:")
    # The unaudited GitHub token was not silently accepted.
    assert [(f.rule_id, f.location.path) for f in hook(repo, "aws.cfg", "gh.env").findings] == [
        ("SEC019", "gh.env")
    ]


def test_detect_secrets_baseline_is_honoured_where_it_lies(repo: Path) -> None:
    write(repo, "aws.cfg", f"[default]\naws_access_key_id = {F.token('aws')}\n")
    write(repo, "gh.env", f"#\nGH_TOKEN={F.token('github')}\n")
    document = _detect_secrets_scan(repo, "aws.cfg", "gh.env")
    (repo / ".secrets.baseline").write_text(json.dumps(document))
    # Unaudited: both reported.
    assert len(hook(repo, "aws.cfg", "gh.env").findings) == 2
    _audit(document, "aws.cfg", False)
    _audit(document, "gh.env", True)  # audited as a real secret: still reported
    (repo / ".secrets.baseline").write_text(json.dumps(document))
    assert [f.location.path for f in hook(repo, "aws.cfg", "gh.env").findings] == ["gh.env"]
    audit = read_detect_secrets(repo / ".secrets.baseline")
    assert (len(audit.accepted), audit.unaudited, audit.confirmed) == (1, 0, 1)


def test_detect_secrets_baseline_of_an_older_version_is_upgraded(repo: Path) -> None:
    key = F.token("aws")
    write(repo, "aws.cfg", f"[default]\naws_access_key_id = {key}\n")
    sha1 = hashlib.sha1(key.encode()).hexdigest()
    legacy = {  # detect-secrets 0.x layout: `exclude_regex`, plugins as a list
        "version": "0.14.3",
        "exclude": {"files": None, "lines": None},
        "plugins_used": [{"name": "AWSKeyDetector"}],
        "results": {
            "aws.cfg": [
                {
                    "type": "AWS Access Key",
                    "hashed_secret": sha1,
                    "is_secret": False,
                    "line_number": 2,
                }
            ]
        },
    }
    (repo / ".secrets.baseline").write_text(json.dumps(legacy))
    assert hook(repo, "aws.cfg").findings == ()


def test_malformed_baseline_is_a_usage_error(repo: Path) -> None:
    write(repo, "a.py", "x = 1\n")
    (repo / BASELINE).write_text('{"secrets": [{"path": 1}]}')
    with pytest.raises(UsageError):
        hook(repo, "a.py")
    assert baseline_command.main(["import", "missing.baseline"]) == 2


def test_cli_baseline_subcommand(repo: Path) -> None:
    write(repo, "t.env", f"#\nPPLX={F.token('perplexity')}\n")
    assert run_mlwarden(repo, "scan", "--hook", "secrets").returncode == 1
    created = run_mlwarden(repo, "baseline", "create")
    assert created.returncode == 0, created.stderr
    assert run_mlwarden(repo, "scan", "--hook", "secrets").returncode == 0
