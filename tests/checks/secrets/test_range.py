"""`--commits A..B`: every commit's added lines, with commit, path and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlwarden.core.errors import UsageError
from mlwarden.core.findings import HookResult
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import git, judge, make_repo, run_mlwarden

F = Fakes(31)
ZERO = "0" * 40


def commit(repo: Path, files: dict[str, str | None], message: str) -> str:
    for name, text in files.items():
        if text is None:
            git(repo, "rm", "-q", name)
        else:
            (repo / name).write_text(text, encoding="utf-8")
            git(repo, "add", name)
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def scan_range(repo: Path, spec: str) -> HookResult:
    return judge("secrets", repo, (), commits=spec)


@pytest.fixture()
def repo(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(git_repo)
    commit(git_repo, {"README.md": "demo\n"}, "init")
    return git_repo


def test_key_added_then_removed_in_the_range_is_still_caught(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    key = F.token("openai_proj")
    leaked = commit(repo, {"train.py": f"import os\n\nclient = OpenAI(api_key='{key}')\n"}, "oops")
    commit(repo, {"train.py": "import os\n\nclient = OpenAI()\n"}, "remove key")
    result = scan_range(repo, f"{base}..HEAD")
    got = [
        (f.rule_id, f.location.path, f.location.line, f.location.commit) for f in result.findings
    ]
    assert got == [("SEC002", "train.py", 3, leaked)]
    assert key not in result.findings[0].message


def test_line_is_the_line_in_that_commit_and_only_added_lines_count(repo: Path) -> None:
    key = F.token("github")
    first = commit(repo, {"ci.sh": "#!/bin/sh\necho build\n"}, "ci")
    second = commit(repo, {"ci.sh": f"#!/bin/sh\n# token\nGH={key}\necho build\n"}, "token")
    result = scan_range(repo, f"{first}..{second}")
    assert [(f.location.line, f.location.commit) for f in result.findings] == [(3, second)]
    assert scan_range(repo, f"{second}..{second}").findings == ()


def test_new_branch_scans_commits_no_remote_has(repo: Path, tmp_path: Path) -> None:
    remote = make_repo(tmp_path / "remote.git", bare=True)
    key = F.token("replicate")
    old = commit(repo, {"old.py": f"TOKEN = '{F.token('groq')}'\n"}, "pushed before")
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "switch", "-q", "-c", "feature")
    new = commit(repo, {"gen.py": f"#\nREPLICATE_API_TOKEN = '{key}'\n"}, "feature work")
    result = scan_range(repo, f"{ZERO}..HEAD")
    assert [(f.rule_id, f.location.path, f.location.commit) for f in result.findings] == [
        ("SEC004", "gen.py", new)
    ]
    assert old != new
    assert scan_range(repo, f"{new}..{ZERO}").findings == ()  # a branch deletion


def test_ignore_comment_in_the_commit_silences_its_finding(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    commit(
        repo,
        {
            "t.py": f"# mlwarden: ignore[SEC008]\nKEY = '{F.token('groq')}'\n"
            f"OTHER = '{F.token('groq')}'\n"
        },
        "keys",
    )
    # The comment is read from the commit's own version of the file, by the runner.
    done = run_mlwarden(
        repo, "scan", "--hook", "secrets", "--format", "json", "--commits", f"{base}..HEAD"
    )
    found = [(f["rule_id"], f["line"]) for f in json.loads(done.stdout)["findings"]]
    assert found == [("SEC008", 3)]


@pytest.mark.parametrize("spec", ["nope..HEAD", "HEAD..nope", "HEAD...HEAD", "nope"])
def test_bad_ranges_are_usage_errors(repo: Path, spec: str) -> None:
    with pytest.raises(UsageError):
        scan_range(repo, spec)


def test_ranges_read_as_git_reads_them(repo: Path) -> None:
    """`A..` and `..B` leave out HEAD's side like `git log`; a single commit is that
    commit alone."""
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    sha = commit(repo, {"k.env": f"#\nKAGGLE_KEY={F.token('kaggle')}\n"}, "kaggle")
    assert [f.rule_id for f in scan_range(repo, sha).findings] == ["SEC007"]
    assert [f.rule_id for f in scan_range(repo, f"{base}..").findings] == ["SEC007"]
    assert scan_range(repo, "..HEAD").findings == ()
    assert scan_range(repo, "HEAD..").findings == ()


def test_cli_commit_range_and_bad_range(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    sha = commit(repo, {"k.env": f"#\nKAGGLE_KEY={F.token('kaggle')}\n"}, "kaggle")
    done = run_mlwarden(repo, "scan", "--hook", "secrets", "--commits", f"{base}..HEAD")
    assert done.returncode == 1
    assert (
        done.stdout.startswith("k.env:2:") and "SEC007" in done.stdout and sha[:12] in done.stdout
    )
    bad = run_mlwarden(repo, "scan", "--hook", "secrets", "--commits", "nope..HEAD")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_through_pre_commit_with_a_local_hook(repo: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    key = F.token("langsmith")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: mlwarden-secrets\n    name: secrets\n"
        f"    entry: {sys.executable} -m mlwarden.entrypoints secrets\n"
        "    language: system\n    types: [text]\n"
    )
    (repo / "ok.py").write_text("x = 1\n")
    (repo / "bad.env").write_text(f"#\nLANGSMITH_API_KEY={key}\n")
    git(repo, "add", "-A")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--files", "ok.py", "bad.env"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad.env:2:" in done.stdout and "SEC012" in done.stdout and key not in done.stdout


def test_odd_file_names_and_binary_files_in_a_range(repo: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    (repo / "conf dir").mkdir()
    (repo / "blob.bin").write_bytes(b"\x00\x01" + F.token("github").encode())
    name = 'conf dir/ключ "q".env'
    sha = commit(repo, {name: f"#\nGH={F.token('github')}\n"}, "odd names")
    git(repo, "add", "blob.bin")
    git(repo, "commit", "-q", "--no-verify", "-m", "binary")
    result = scan_range(repo, f"{base}..HEAD")
    got = [(f.location.path, f.location.line, f.location.commit) for f in result.findings]
    assert got == [(name, 2, sha)]
