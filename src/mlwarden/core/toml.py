"""The one TOML reader: the standard library's `tomllib` (the `tomli` backport on 3.10).

Every caller (the config loader, config-guard's review of config changes, the pins
hook's pyproject.toml and lock files) gets the same errors: `TomlError` with the line,
never a `RecursionError` from a hostile file nested thousands of tables deep.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class TomlError(ValueError):
    pass


def loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(f"invalid TOML: {exc}") from None
    except RecursionError:
        raise TomlError("invalid TOML: nested too deeply") from None


def mlwarden_table(name: str, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The `[tool.mlwarden]` table of a parsed `pyproject.toml` or `.mlwarden.toml`
    (whose keys may also stand at the top level), or None when it has none."""
    tool = data.get("tool")
    table = tool.get("mlwarden") if isinstance(tool, dict) else None
    if table is None and PurePosixPath(name).name == ".mlwarden.toml" and "tool" not in data:
        table = data
    return table if isinstance(table, dict) else None
