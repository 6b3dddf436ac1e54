"""Policy checks (LFS/DVC, pickle format) and pushed commit ranges, in real git repos."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlwarden.checks.models import Options
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Severity
from tests.checks.models.test_helpers import (
    benign_state_dict,
    evil,
    ids,
    only,
    run_on,
    torch_zip,
)
from tests.conftest import git, judge, run_mlwarden

SMALL_LIMIT = Options(max_size_mb=0.01)  # 10 KB, so the test files stay small


def _write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def test_big_binary_outside_lfs_and_dvc(git_repo: Path) -> None:
    blob = b"\0\1\2" * 10_000
    _write(
        git_repo,
        {
            ".gitattributes": b"*.dat filter=lfs diff=lfs merge=lfs -text\n",
            "model.bin": blob,
            "model.dat": blob,
            "data/big.bin": blob,
            "data/big.bin.dvc": b"outs:\n- md5: 0\n  path: big.bin\n",
            "table.csv": b"a,b\n" * 10_000,
            "small.bin": b"\0" * 100,
        },
    )
    paths = ["model.bin", "model.dat", "data/big.bin", "table.csv", "small.bin"]
    result = run_on(git_repo, paths, SMALL_LIMIT)
    assert ids(result) == [("MOD004", "model.bin", None)]
    (big,) = result.findings
    assert big.severity is Severity.LOW
    assert "Git LFS" in big.message and "dvc add model.bin" in big.message
    assert run_on(git_repo, paths).findings == ()  # default limit: 10 MB


def test_pickle_format_severity_policy(tmp_path: Path) -> None:
    (tmp_path / "m.pt").write_bytes(torch_zip(benign_state_dict()))
    strict = run_on(tmp_path, ["m.pt"], Options(pickle_format_severity="medium"))
    assert [(f.rule_id, f.severity) for f in strict.findings] == [("MOD003", Severity.MEDIUM)]


def _commit(repo: Path, files: dict[str, bytes], message: str) -> str:
    _write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def test_commit_range_scans_each_added_or_modified_blob(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _commit(git_repo, {"README.md": b"hi\n"}, "base")
    first = _commit(
        git_repo,
        {
            "evil.pkl": evil(),
            "ok.pt": torch_zip(benign_state_dict()),
            "lfs.pt": b"version https://git-lfs.github.com/spec/v1\n",
        },
        "add",
    )
    second = _commit(git_repo, {"evil.pkl": evil("subprocess", "Popen")}, "modify")
    _commit(git_repo, {"README.md": b"bye\n"}, "unrelated")
    tip = git(git_repo, "rev-parse", "HEAD").stdout.strip()
    monkeypatch.chdir(git_repo)
    result = judge("models", git_repo, (), Options(), commits=f"{base}..{tip}")
    got = sorted((f.rule_id, f.location.path, f.location.commit) for f in result.findings)
    assert got == sorted(
        [
            ("MOD001", "evil.pkl", first),
            ("MOD001", "evil.pkl", second),
            ("MOD003", "evil.pkl", first),
            ("MOD003", "evil.pkl", second),
            ("MOD003", "ok.pt", first),
        ]
    )
    modified = next(f for f in only(result, "MOD001") if f.location.commit == second)
    assert "subprocess.Popen" in modified.message
    assert result.errors == ()


def test_new_branch_range_and_bad_range(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tip = _commit(git_repo, {"evil.pkl": evil()}, "add")
    monkeypatch.chdir(git_repo)
    zero = "0" * 40
    result = judge("models", git_repo, (), Options(), commits=f"{zero}..{tip}")
    assert ids(result) == [("MOD001", "evil.pkl", None), ("MOD003", "evil.pkl", None)]
    # A range that names no commit is a usage error (exit 2), never an empty scan.
    with pytest.raises(UsageError, match="'nope' is not a commit"):
        judge("models", git_repo, (), Options(), commits="nope..HEAD")


def test_cli_end_to_end(git_repo: Path) -> None:
    _commit(
        git_repo, {"models/evil.pkl": evil(), "models/ok.pt": torch_zip(benign_state_dict())}, "add"
    )
    text = run_mlwarden(git_repo, "scan", "--hook", "models")
    assert text.returncode == 1, text.stderr
    assert text.stdout.splitlines()[0].startswith(
        "models/evil.pkl:1:1: MOD001 [high] pickle imports `os.system`"
    )
    as_json = json.loads(
        run_mlwarden(
            git_repo, "scan", "--hook", "models", "--format", "json", "models/ok.pt"
        ).stdout
    )
    assert [(f["rule_id"], f["severity"]) for f in as_json["findings"]] == [("MOD003", "info")]
    clean = run_mlwarden(git_repo, "scan", "--hook", "models", "models/ok.pt")
    assert clean.returncode == 0


def test_cli_allow_globals_from_pyproject_and_hook_script(git_repo: Path) -> None:
    from tests.checks.models.test_helpers import call, stream

    _write(
        git_repo,
        {
            "custom.pkl": stream(call("mypkg.layers", "Scale", ()), 2),
            "pyproject.toml": b'[tool.mlwarden.models]\nallow-globals = ["mypkg.*"]\n',
        },
    )
    assert run_mlwarden(git_repo, "scan", "--hook", "models", "custom.pkl").returncode == 0
    (git_repo / "pyproject.toml").write_text("[tool.mlwarden.models]\nmax-size-mb = 5\n")
    # pre-commit calls the console script; fall back to the module when not installed.
    script = Path(sys.executable).parent / "mlwarden-models"
    module = [sys.executable, "-m", "mlwarden.entrypoints", "models"]
    command = [str(script)] if script.exists() else module
    hook = subprocess.run([*command, "custom.pkl"], cwd=git_repo, capture_output=True, text=True)
    assert hook.returncode == 1
    assert "custom.pkl:1:1: MOD002 [medium]" in hook.stdout


def test_pre_commit_on_staged_files(git_repo: Path, tmp_path: Path) -> None:
    """A real `pre-commit run` on staged files, through a local hook (the published
    manifest entry calls the same `main`)."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed next to this Python")
    config = (
        "repos:\n- repo: local\n  hooks:\n  - id: mlwarden-models\n    name: models\n"
        f"    entry: {sys.executable} -m mlwarden.entrypoints models\n"
        "    language: system\n    types: [file]\n"
    )
    _commit(git_repo, {".pre-commit-config.yaml": config.encode()}, "config")
    _write(git_repo, {"evil.pt": torch_zip(evil()), "unstaged.pkl": evil()})
    git(git_repo, "add", "evil.pt")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    proc = subprocess.run(
        [str(pre_commit), "run"], cwd=git_repo, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "evil.pt:1:1: MOD001 [high]" in proc.stdout
    assert "unstaged.pkl" not in proc.stdout


def test_big_binary_in_a_pushed_commit(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _commit(git_repo, {"README.md": b"hi\n"}, "base")
    tip = _commit(git_repo, {"weights.bin": b"\0\1" * 20_000, "notes.txt": b"text\n" * 5000}, "add")
    monkeypatch.chdir(git_repo)
    result = judge("models", git_repo, (), SMALL_LIMIT, commits=f"{base}..{tip}")
    assert [(f.rule_id, f.location.path, f.location.commit) for f in result.findings] == [
        ("MOD004", "weights.bin", tip)
    ]
