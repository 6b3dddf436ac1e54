"""Helpers (no tests): run the pins hook on files written into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks.pins import Options
from mlwarden.core.findings import HookResult
from tests.conftest import judge, write_files

Hit = tuple[str, str, int]


def scan(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes],
    options: Options | None = None,
    only: tuple[str, ...] | None = None,
) -> HookResult:
    """Write `files`, chdir into `root`, run the hook on `only` (default: all of them)."""
    write_files(root, files)
    monkeypatch.chdir(root)
    return judge("pins", root, only or tuple(files), options)


def hits(result: HookResult) -> list[Hit]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]
