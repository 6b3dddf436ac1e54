"""Real repositories for the branch-guard tests: a bare "remote" and a clone of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT, git, make_repo

HOOKS_DIR = REPO_ROOT / "hooks"


def hook_env(**extra: str) -> dict[str, str]:
    """The environment of a user's `git push`: no leaked GIT_/PRE_COMMIT_ variables, and
    the hooks told which interpreter has mlwarden (what `mlwarden install` bakes in)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.pop("CI", None)  # the commit check is off in CI; these tests are a developer's machine
    env["MLWARDEN_PYTHON"] = sys.executable
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env.update(extra)
    return env


def run_git(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """git as a user runs it; git sends hook output to stderr, merged here into stdout."""
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=hook_env(**env),
        check=False,
    )


def commit(repo: Path, name: str, text: str, *flags: str, verify: bool = False) -> str:
    """Commit one file; without `verify` the commit skips the hooks (`--no-verify`), as
    most tests are about pushing, not about the pre-commit stage."""
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text)
    git(repo, "add", name)
    no_verify = () if verify or "--no-verify" in flags else ("--no-verify",)
    run = run_git(repo, "commit", "-q", "-m", f"edit {name}", *flags, *no_verify)
    assert run.returncode == 0, run.stdout
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def remote_refs(remote: Path) -> dict[str, str]:
    out = git(remote, "for-each-ref", "--format=%(refname) %(objectname)").stdout
    return dict(line.split(" ", 1) for line in out.splitlines())  # type: ignore[misc]


def make_remote_and_clone(tmp: Path, *, object_format: str = "sha1") -> tuple[Path, Path]:
    """A bare remote with main, release/0.9 and tag v1.0, and a clone using hooks/."""
    remote = tmp / "remote.git"
    remote.mkdir()
    git(remote, "init", "-q", "--bare", "-b", "main", f"--object-format={object_format}")
    seed = tmp / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main", f"--object-format={object_format}")
    for key, value in (
        ("user.email", "t@example.com"),
        ("user.name", "T"),
        ("commit.gpgsign", "false"),
    ):
        git(seed, "config", key, value)
    commit(seed, "README.md", "hello\n")
    git(seed, "branch", "release/0.9")
    git(seed, "tag", "v1.0")
    git(seed, "remote", "add", "origin", str(remote))
    git(seed, "push", "-q", "origin", "main", "release/0.9", "v1.0")
    clone = tmp / "clone"
    git(tmp, "clone", "-q", str(remote), str(clone))
    for key, value in (
        ("user.email", "t@example.com"),
        ("user.name", "T"),
        ("commit.gpgsign", "false"),
        ("core.hooksPath", str(HOOKS_DIR)),
    ):
        git(clone, "config", key, value)
    write_config(clone)
    return remote, clone


def write_config(repo: Path, extra: str = "", *, scan_pushed: bool = False) -> None:
    """`.mlwarden.toml` for the branch guard. The pushed-range scan is off unless a test
    is about it, so these tests do not depend on the state of the secrets/models hooks."""
    scan = "" if scan_pushed else "scan-pushed = false\n"
    (repo / ".mlwarden.toml").write_text(f"[branch-guard]\n{scan}{extra}")


__all__ = [
    "commit",
    "hook_env",
    "make_remote_and_clone",
    "make_repo",
    "remote_refs",
    "run_git",
    "write_config",
]
