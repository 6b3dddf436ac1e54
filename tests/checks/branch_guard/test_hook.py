"""branch-guard in process: the policy, the pre-commit-framework env, odd repositories."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from mlwarden import entrypoints
from mlwarden.checks import branch_guard as branch
from mlwarden.checks.branch_guard import pushscan as branch_scan
from mlwarden.checks.branch_guard.policy import (
    Options,
    RefUpdate,
    check_push,
    is_protected_branch,
    parse_push_lines,
)
from mlwarden.core.findings import HookResult
from mlwarden.core.git import Repository
from tests.checks.branch_guard.helpers import commit, make_remote_and_clone, write_config
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import git, judge, make_repo

Z = "0" * 40


def run_guard(root: Path, options: Options | None = None) -> HookResult:
    return judge("branch-guard", root, (), options or Options())


def repo_of(path: Path) -> Repository:
    repo = Repository.find(path)
    assert repo is not None
    return repo


def run_main(monkeypatch: pytest.MonkeyPatch, cwd: Path, argv: list[str], stdin: str = "") -> int:
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return entrypoints.branch_guard(argv)


@pytest.fixture(autouse=True)
def _clean(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """No PRE_COMMIT_*, GIT_* or CI variables from the outer environment."""
    monkeypatch.delenv("CI", raising=False)


def test_rules_are_declared_with_docs() -> None:
    ids = [rule.id for rule in branch.HOOK.rules()]
    assert ids == ["BRG001", "BRG002", "BRG003", "BRG004", "BRG005", "BRG006"]
    for rule in branch.HOOK.rules():
        assert rule.hook == "branch-guard" and rule.doc.instead and rule.doc.why


def test_protected_patterns() -> None:
    options = Options()
    assert is_protected_branch("refs/heads/main", options)
    assert is_protected_branch("refs/heads/release/1.0", options)
    assert not is_protected_branch("refs/heads/mainline", options)  # near miss
    assert not is_protected_branch("refs/heads/feature/main", options)
    assert not is_protected_branch("refs/tags/main", options)
    custom = Options(protected=("prod-*", "refs/heads/exact"))
    assert is_protected_branch("refs/heads/prod-eu", custom)
    assert is_protected_branch("refs/heads/exact", custom)
    assert not is_protected_branch("refs/heads/main", custom)


def test_parse_push_lines() -> None:
    text = f"refs/heads/a {'1' * 40} refs/heads/main {Z}\n\n(delete) {Z} refs/heads/x {'2' * 40}\n"
    assert parse_push_lines(text) == (
        RefUpdate("refs/heads/a", "1" * 40, "refs/heads/main", Z),
        RefUpdate("(delete)", Z, "refs/heads/x", "2" * 40),
    )
    with pytest.raises(ValueError, match="line 1"):
        parse_push_lines("garbage\n")


def test_run_checks_current_branch(git_repo: Path) -> None:
    commit(git_repo, "a.txt", "a\n")
    result = run_guard(git_repo)
    assert [(f.rule_id, f.location.path, f.location.line) for f in result.findings] == [
        ("BRG001", "refs/heads/main", 1)
    ]
    git(git_repo, "switch", "-q", "-c", "topic")
    assert run_guard(git_repo).findings == ()


def test_commit_check_is_off_in_ci(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(git_repo, "a.txt", "a\n")
    monkeypatch.setenv("CI", "true")
    assert run_guard(git_repo).findings == ()
    assert run_main(monkeypatch, git_repo, []) == 0
    monkeypatch.setenv("CI", "false")
    assert [f.rule_id for f in run_guard(git_repo).findings] == ["BRG001"]


def test_detached_head_and_unborn_branch_pass(git_repo: Path) -> None:
    # Empty repository, unborn main: the first commit creates the branch.
    assert run_guard(git_repo).findings == ()
    commit(git_repo, "a.txt", "a\n")
    git(git_repo, "switch", "-q", "--detach")
    assert run_guard(git_repo).findings == ()


def test_main_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, tmp_path, []) == 0
    assert "not inside a git repository" in capsys.readouterr().err


def test_main_malformed_stdin_is_a_usage_error(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, git_repo, ["--stdin", "origin"], "not a ref line\n") == 2
    assert "is not '<local ref> <local sha> <remote ref> <remote sha>'" in capsys.readouterr().err


def test_main_bad_config_is_a_usage_error(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (git_repo / ".mlwarden.toml").write_text("[branch-guard]\nprotect = ['main']\n")
    assert run_main(monkeypatch, git_repo, []) == 2
    assert "unknown key 'branch-guard.protect'" in capsys.readouterr().err


def test_main_respects_disable(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    commit(git_repo, "a.txt", "a\n")
    assert run_main(monkeypatch, git_repo, []) == 1
    (git_repo / ".mlwarden.toml").write_text("disable = ['BRG001']\n")
    assert run_main(monkeypatch, git_repo, []) == 0
    assert capsys.readouterr().out.count("BRG001") == 1


def test_pre_commit_framework_pre_push_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """pre-commit exports one ref: FROM_REF is the remote commit (or the parent of the
    first new one), TO_REF the pushed commit, REMOTE_BRANCH the full remote ref."""
    _, clone = make_remote_and_clone(tmp_path)
    base = git(clone, "rev-parse", "HEAD").stdout.strip()
    git(clone, "switch", "-q", "-c", "feature")
    tip = commit(clone, "f.txt", "f\n")
    env = {
        "PRE_COMMIT_FROM_REF": base,
        "PRE_COMMIT_TO_REF": tip,
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature",
        "PRE_COMMIT_REMOTE_NAME": "origin",
        "PRE_COMMIT_REMOTE_URL": str(tmp_path / "remote.git"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main")
    assert run_main(monkeypatch, clone, ["--no-scan"]) == 1
    assert (
        "BRG002 [high] push updates protected branch 'main' from refs/heads/feature"
        in capsys.readouterr().out
    )
    monkeypatch.setenv("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/feature")
    assert run_main(monkeypatch, clone, ["--no-scan"]) == 0
    # A rewritten commit: FROM_REF is no longer an ancestor of TO_REF.
    git(clone, "commit", "-q", "--amend", "-m", "amended", "--no-verify")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", tip)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", git(clone, "rev-parse", "HEAD").stdout.strip())
    monkeypatch.setenv("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/release/2")
    assert run_main(monkeypatch, clone, ["--no-scan"]) == 1
    assert "BRG003 [critical] force push to 'release/2'" in capsys.readouterr().out


def test_push_ranges(tmp_path: Path) -> None:
    remote, clone = make_remote_and_clone(tmp_path)
    base = git(clone, "rev-parse", "HEAD").stdout.strip()
    git(clone, "switch", "-q", "-c", "feature")
    one = commit(clone, "1.txt", "1\n")
    two = commit(clone, "2.txt", "2\n")
    update = RefUpdate("refs/heads/feature", two, "refs/heads/feature", Z)
    # A new branch: from the commit the remote already has (origin/main) to the tip.
    assert branch_scan.push_ranges(repo_of(clone), [update], "origin") == (f"{base}..{two}",)
    # An update: from the remote's commit; a deletion: nothing to scan.
    update = RefUpdate("refs/heads/feature", two, "refs/heads/feature", one)
    delete = RefUpdate("(delete)", Z, "refs/heads/x", one)
    assert branch_scan.push_ranges(repo_of(clone), [update, delete], "origin") == (f"{one}..{two}",)
    # Pushing a commit the remote already has under another name: nothing new.
    same = RefUpdate("refs/heads/main", base, "refs/heads/copy", Z)
    assert branch_scan.push_ranges(repo_of(clone), [same], "origin") == ()
    # No remote-tracking refs at all: the whole history, FROM is all zeros.
    lonely = make_repo(tmp_path / "lonely")
    tip = commit(lonely, "a.txt", "a\n")
    update = RefUpdate("refs/heads/main", tip, "refs/heads/main", Z)
    assert branch_scan.push_ranges(repo_of(lonely), [update], None) == (f"{Z}..{tip}",)
    assert remote  # the remote itself is not consulted: ranges come from local refs


def test_pushed_commits_are_judged_by_the_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At pre-push the new commits are judged in-process by the runner's `--commits` mode
    (the same code as `mlwarden scan --commits`): a key committed with --no-verify and
    deleted again in the next commit still fails the push."""
    _, clone = make_remote_and_clone(tmp_path)
    git(clone, "switch", "-q", "-c", "feature")
    key = Fakes(5).token("hf")
    commit(clone, "f.txt", f"HF_TOKEN={key}\n")
    tip = commit(clone, "f.txt", "HF_TOKEN=${HF_TOKEN}\n")
    write_config(clone, scan_pushed=True)
    line = f"refs/heads/feature {tip} refs/heads/feature {Z}\n"
    assert run_main(monkeypatch, clone, ["--stdin", "origin", "url"], line) == 1
    out = capsys.readouterr()
    assert out.out.startswith("f.txt:1:10: SEC001 [high] Hugging Face token")
    assert "failed the secrets/models scan" in out.err
    # scan-pushed = false turns it off.
    write_config(clone)
    assert run_main(monkeypatch, clone, ["--stdin", "origin", "url"], line) == 0
    assert "SEC001" not in capsys.readouterr().out


def test_unknown_remote_commit_on_unguarded_branch_passes(tmp_path: Path) -> None:
    _, clone = make_remote_and_clone(tmp_path)
    tip = git(clone, "rev-parse", "HEAD").stdout.strip()
    update = RefUpdate("refs/heads/main", tip, "refs/heads/topic", "a" * 40)
    assert check_push(repo_of(clone), [update], Options()) == ()
    findings = check_push(repo_of(clone), [update], Options(block_force_push_everywhere=True))
    assert [f.rule_id for f in findings] == ["BRG006"]
