"""Run config-guard in process on a real repository: HEAD, then staged changes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mlwarden.checks import config_guard
from mlwarden.core.findings import HookResult
from tests.conftest import git, judge


def write(repo: Path, name: str, text: str, *, stage: bool = True) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if stage:
        git(repo, "add", name)


def commit_files(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        write(repo, name, text)
    git(repo, "commit", "-q", "--no-verify", "-m", "base")


def scan(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    *files: str,
    options: config_guard.Options | None = None,
    commits: str | None = None,
    zizmor: bool = False,
) -> HookResult:
    """zizmor stays off unless asked for, so a zizmor on the developer's PATH cannot
    change what these tests see."""
    monkeypatch.chdir(repo)
    options = dataclasses.replace(options or config_guard.Options(), zizmor=zizmor)
    return judge("config-guard", repo, files, options, commits=commits)


def ids(result: HookResult) -> list[tuple[str, str, int]]:
    return sorted((f.rule_id, f.location.path, f.location.line) for f in result.findings)
