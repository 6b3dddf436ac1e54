"""Helpers (no tests): run the pins hook on files written into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks.pins import Options, run
from mlwarden.config import Config
from mlwarden.findings import HookResult
from mlwarden.hooks import ScanContext

Hit = tuple[str, str, int]


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def scan(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes],
    options: Options | None = None,
    only: tuple[str, ...] | None = None,
) -> HookResult:
    """Write `files`, chdir into `root`, run the hook on `only` (default: all of them)."""
    write(root, files)
    monkeypatch.chdir(root)
    ctx = ScanContext(root=root, files=only or tuple(files), config=Config(root=root))
    return run(ctx, options or Options())


def hits(result: HookResult) -> list[Hit]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]
