"""Changes to mlwarden's own configuration that weaken it.

`[tool.mlwarden]` in `pyproject.toml` or `.mlwarden.toml` decides what every hook
checks; a commit that disables a rule, excludes code, raises `min-severity`, downgrades
errors or loosens a hook's options (adds an allowed index, unprotects a branch) is
flagged for review. The runner judges these files under the config *before* the change,
so the weakening cannot exclude or filter this finding (see `core.config`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from mlwarden.checks.config_guard.common import Hit, line_of
from mlwarden.checks.config_guard.rules import CFG014
from mlwarden.core import toml
from mlwarden.core.config import weakenings


def _table(path: str, text: str) -> Mapping[str, Any] | None:
    try:
        return toml.mlwarden_table(PurePosixPath(path).name, toml.loads(text))
    except toml.TomlError:
        return None  # reported by whoever parses it for real (config loader, pins hook)


def check(path: str, new: str, old: str | None, *, has_base: bool) -> list[Hit]:
    """`old` is the file before the change (None: it did not exist). Without a base at
    all (a first commit), the config is being set up, not weakened."""
    new_table = _table(path, new)
    if new_table is None or not has_base:
        return []
    old_table = (_table(path, old) if old is not None else None) or {}
    hits = []
    for key, what in weakenings(old_table, new_table):
        hits.append(
            Hit(
                CFG014,
                line_of(new, key),
                f"this change to mlwarden's configuration {what}; it lets more through "
                "every hook: get it reviewed, or silence single findings inline instead",
                f"self:{what}",
            )
        )
    return hits
