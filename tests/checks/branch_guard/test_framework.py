"""branch-guard through the real pre-commit framework, and the pushed-range scan for real.

The framework test uses a `repo: local` hook with the same stages and flags as the
`mlwarden-branch-guard` manifest entry (read from .pre-commit-hooks.yaml when it has
one), so it needs no network and no build of mlwarden.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlwarden.core.hooks import HOOK_MODULES
from tests.checks.branch_guard.helpers import (
    HOOKS_DIR,
    commit,
    hook_env,
    make_remote_and_clone,
    remote_refs,
    run_git,
    write_config,
)
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import REPO_ROOT, git, make_repo

PROPOSED_ENTRY = {
    "id": "mlwarden-branch-guard",
    "pass_filenames": False,
    "always_run": True,
    "stages": ["pre-commit", "pre-push"],
}


def manifest_entry() -> dict[str, object]:
    path = REPO_ROOT / ".pre-commit-hooks.yaml"
    if path.exists():
        for entry in yaml.safe_load(path.read_text()) or []:
            if entry.get("id") == "mlwarden-branch-guard":
                return dict(entry)
    return dict(PROPOSED_ENTRY)


def pre_commit_exe() -> str:
    return str(Path(sys.executable).parent / "pre-commit")


@pytest.fixture()
def framework_clone(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    remote, clone = make_remote_and_clone(tmp_path)
    git(clone, "config", "--unset", "core.hooksPath")
    entry = manifest_entry()
    stages = list(entry.get("stages") or ["pre-commit", "pre-push"])  # type: ignore[call-overload]
    hook = {
        "id": "mlwarden-branch-guard",
        "name": "mlwarden branch guard",
        "entry": f"{sys.executable} -m mlwarden.entrypoints branch-guard",
        "language": "system",
        "pass_filenames": entry.get("pass_filenames", False),
        "always_run": entry.get("always_run", True),
        "stages": sorted(set(stages) | {"pre-push"}),
    }
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (clone / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pc-home")}
    done = run_git(clone, "add", ".pre-commit-config.yaml")
    assert done.returncode == 0
    installed = subprocess.run(
        [pre_commit_exe(), "install", "-t", "pre-commit", "-t", "pre-push"],
        cwd=clone,
        capture_output=True,
        text=True,
        env=hook_env(**env),
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return remote, clone, env


def test_framework_refuses_commit_on_main(
    framework_clone: tuple[Path, Path, dict[str, str]],
) -> None:
    remote, clone, env = framework_clone
    head = git(clone, "rev-parse", "HEAD").stdout
    done = run_git(clone, "commit", "-m", "config on main", **env)
    assert done.returncode == 1
    assert "BRG001 [high] commit on protected branch 'main'" in done.stdout
    assert git(clone, "rev-parse", "HEAD").stdout == head
    assert remote_refs(remote)["refs/heads/main"] == head.strip()


def test_manual_full_run_on_main_commits_nothing_so_passes(
    framework_clone: tuple[Path, Path, dict[str, str]],
) -> None:
    """A first `pre-commit run --all-files` typed on main (the step after `mlwarden init`)
    is not a commit: the guard stays quiet; the real `git commit` above is still refused."""
    _, clone, env = framework_clone
    done = subprocess.run(
        [pre_commit_exe(), "run", "--all-files"],
        cwd=clone,
        capture_output=True,
        text=True,
        env=hook_env(**env),
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BRG001" not in done.stdout


def test_framework_refuses_push_feature_to_main(
    framework_clone: tuple[Path, Path, dict[str, str]],
) -> None:
    remote, clone, env = framework_clone
    before = remote_refs(remote)
    git(clone, "switch", "-q", "-c", "feature")
    done = run_git(clone, "commit", "-q", "-m", "hook config", **env)
    assert done.returncode == 0, done.stdout
    done = run_git(clone, "push", "origin", "feature:main", **env)
    assert done.returncode != 0
    assert (
        "BRG002 [high] push updates protected branch 'main' from refs/heads/feature" in done.stdout
    )
    assert remote_refs(remote) == before
    done = run_git(clone, "push", "-q", "origin", "feature", **env)
    assert done.returncode == 0, done.stdout
    assert "refs/heads/feature" in remote_refs(remote)


def test_framework_does_not_see_deletions(
    framework_clone: tuple[Path, Path, dict[str, str]],
) -> None:
    """pre-commit runs no hook for a deleting push: the reason hooks/pre-push exists.
    This pins the documented limit; `mlwarden install` closes it."""
    remote, clone, env = framework_clone
    done = run_git(clone, "push", "-q", "origin", ":release/0.9", **env)
    assert done.returncode == 0
    assert "refs/heads/release/0.9" not in remote_refs(remote)


@pytest.mark.skipif("secrets" not in HOOK_MODULES, reason="the secrets hook is not built yet")
def test_secret_committed_with_no_verify_then_removed_is_stopped_at_push(
    tmp_path: Path,
) -> None:
    remote, clone = make_remote_and_clone(tmp_path)
    write_config(clone, scan_pushed=True)
    git(clone, "switch", "-q", "-c", "feature")
    token = Fakes(3).token("github")  # a real token shape, CRC-32 included
    commit(clone, "settings.py", f'GITHUB_TOKEN = "{token}"\n', "--no-verify")
    commit(clone, "settings.py", 'GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n', "--no-verify")
    before = remote_refs(remote)
    done = run_git(clone, "push", "origin", "feature")
    assert done.returncode != 0, done.stdout
    assert "settings.py:1:17: SEC" in done.stdout and "(commit " in done.stdout
    assert "failed the secrets/models scan" in done.stdout
    assert token not in done.stdout
    assert remote_refs(remote) == before


@pytest.mark.skipif("secrets" not in HOOK_MODULES, reason="the secrets hook is not built yet")
def test_first_push_to_an_empty_remote_scans_from_the_root(tmp_path: Path) -> None:
    """No remote-tracking refs: the range starts at the all-zero sha, every commit is new."""
    remote = make_repo(tmp_path / "empty.git", bare=True)
    repo = make_repo(tmp_path / "work")
    git(repo, "config", "core.hooksPath", str(HOOKS_DIR))
    write_config(repo, scan_pushed=True)
    git(repo, "switch", "-q", "-c", "topic")
    token = Fakes(3).token("github")  # a real token shape, CRC-32 included
    commit(repo, "settings.py", f'GITHUB_TOKEN = "{token}"\n')
    commit(repo, "settings.py", "x = 1\n")
    git(repo, "remote", "add", "origin", str(remote))
    done = run_git(repo, "push", "origin", "topic")
    assert done.returncode != 0
    assert f"pushed commits {'0' * 40}.." in done.stdout and "SEC" in done.stdout
    assert remote_refs(remote) == {}


@pytest.mark.skipif("models" not in HOOK_MODULES, reason="the models hook is not built yet")
def test_malicious_pickle_committed_with_no_verify_is_stopped_at_push(tmp_path: Path) -> None:
    remote, clone = make_remote_and_clone(tmp_path)
    write_config(clone, scan_pushed=True)
    git(clone, "switch", "-q", "-c", "feature")
    (clone / "model.pkl").write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    git(clone, "add", "model.pkl")
    git(clone, "commit", "-q", "--no-verify", "-m", "add model")
    git(clone, "rm", "-q", "model.pkl")
    git(clone, "commit", "-q", "--no-verify", "-m", "remove model")
    before = remote_refs(remote)
    done = run_git(clone, "push", "origin", "feature")
    assert done.returncode != 0
    assert "model.pkl:1:1: MOD" in done.stdout and "(commit " in done.stdout
    assert remote_refs(remote) == before
