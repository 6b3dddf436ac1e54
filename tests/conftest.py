"""Shared fixtures: real git repositories in temp dirs, the real CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


def git(cwd: Path, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=check, capture_output=True, text=True, input=input
    )


def make_repo(path: Path, *, bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main", *(["--bare"] if bare else []))
    if not bare:
        git(path, "config", "user.email", "test@example.com")
        git(path, "config", "user.name", "Test")
        git(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture()
def git_repo(tmp_path: Path) -> Path:
    """A fresh non-bare repository on branch `main`, no commits."""
    return make_repo(tmp_path / "repo")


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("PRE_COMMIT", "GIT_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    yield


def mlwarden_command() -> list[str]:
    exe = shutil.which("mlwarden", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "mlwarden"]


def run_mlwarden(cwd: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, as a user or pre-commit runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    return subprocess.run(
        [*mlwarden_command(), *args], cwd=cwd, capture_output=True, text=True, env=env, input=input
    )
