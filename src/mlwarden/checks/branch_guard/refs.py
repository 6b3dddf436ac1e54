"""Small git queries for the branch guard, each taking the repository it asks about.

They never raise on an odd repository (no commits, detached HEAD, shallow clone, no
remote): they return None or False and let the caller decide what that means.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path


def git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin, check=False
    )


def git_out(cwd: Path, *args: str) -> str | None:
    """stdout of a git command, stripped, or None when git failed."""
    try:
        done = git(cwd, *args)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def is_zero(sha: str) -> bool:
    """git's "no object" sha: 40 zeros, or 64 in a SHA-256 repository."""
    return bool(sha) and set(sha) == {"0"}


def repo_root(cwd: Path) -> Path | None:
    top = git_out(cwd, "rev-parse", "--show-toplevel")
    return Path(top) if top else None


def current_branch(cwd: Path) -> str | None:
    """`refs/heads/<name>` HEAD points at, or None when detached."""
    return git_out(cwd, "symbolic-ref", "-q", "HEAD") or None


def is_unborn(cwd: Path) -> bool:
    return git_out(cwd, "rev-parse", "-q", "--verify", "HEAD^{commit}") is None


def resolve(cwd: Path, rev: str) -> str | None:
    return git_out(cwd, "rev-parse", "-q", "--verify", f"{rev}^{{commit}}") or None


def commit_exists(cwd: Path, sha: str) -> bool:
    try:
        return git(cwd, "cat-file", "-e", f"{sha}^{{commit}}").returncode == 0
    except OSError:
        return False


def is_ancestor(cwd: Path, ancestor: str, descendant: str) -> bool:
    try:
        return git(cwd, "merge-base", "--is-ancestor", ancestor, descendant).returncode == 0
    except OSError:
        return False


def remote_names(cwd: Path) -> tuple[str, ...]:
    out = git_out(cwd, "remote")
    return tuple(out.split()) if out else ()


def new_commits_base(cwd: Path, tip: str, remote: str | None) -> tuple[str, ...] | None:
    """Where the commits of `tip` that the remote lacks begin.

    Returns None when nothing is new, () when the new commits reach a root commit
    (the whole history is new), else the boundary commits the remote already has.
    Commits are "known to the remote" when a remote-tracking ref of `remote` reaches
    them (every remote when `remote` is None or a bare URL).
    """
    remotes_arg = f"--remotes={remote}" if remote and remote in remote_names(cwd) else "--remotes"
    out = git_out(cwd, "rev-list", "--boundary", tip, "--not", remotes_arg)
    if out is None or not out:
        return None
    lines = out.splitlines()
    if not any(not line.startswith("-") for line in lines):
        return None
    return tuple(line[1:] for line in lines if line.startswith("-"))


def first_existing(cwd: Path, candidates: Sequence[str]) -> str | None:
    for sha in candidates:
        if commit_exists(cwd, sha):
            return sha
    return None
