"""Changes to mlwarden's own configuration that weaken it.

`[tool.mlwarden]` in `pyproject.toml` or `.mlwarden.toml` decides what every hook
checks; a commit that disables a rule, excludes code, raises `min-severity` or loosens a
hook's options (adds an allowed index, unprotects a branch) is flagged for review.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from mlwarden.checks.config_guard.common import Hit, line_of
from mlwarden.checks.config_guard.rules import CFG014

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEVERITIES = ("info", "low", "medium", "high", "critical")
GLOBAL_KEYS = frozenset({"exclude", "disable", "min-severity", "max-file-size"})


def is_self_config(repo_path: str) -> bool:
    return PurePosixPath(repo_path).name in (".mlwarden.toml", "pyproject.toml")


def _table(path: str, text: str | None) -> Mapping[str, Any] | None:
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # reported by whoever parses it for real (config loader, pins hook)
    if PurePosixPath(path).name == ".mlwarden.toml":
        tool = data.get("tool")
        if isinstance(tool, dict) and "mlwarden" in tool:
            data = tool["mlwarden"]
        return data if isinstance(data, dict) else None
    tool = data.get("tool")
    table = tool.get("mlwarden") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _as_set(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


def _rank(value: object) -> int:
    return (
        SEVERITIES.index(value.lower())
        if isinstance(value, str) and value.lower() in (SEVERITIES)
        else 1
    )


def weakenings(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(key to point at, what changed) for each change that can only let more through."""
    added = sorted(_as_set(new.get("disable")) - _as_set(old.get("disable")))
    if added:
        yield "disable", f"disables {', '.join(added)}"
    excluded = sorted(_as_set(new.get("exclude")) - _as_set(old.get("exclude")))
    if excluded:
        yield "exclude", f"excludes {', '.join(excluded)}"
    if _rank(new.get("min-severity")) > _rank(old.get("min-severity")):
        yield "min-severity", f"raises min-severity to {new.get('min-severity')}"
    for hook in sorted(set(new) - GLOBAL_KEYS):
        before, after = old.get(hook), new.get(hook)
        if not isinstance(after, dict):
            continue
        before = before if isinstance(before, dict) else {}
        changed = sorted(k for k in after if after.get(k) != before.get(k))
        if changed:
            yield hook, f"changes {', '.join(f'{hook}.{k}' for k in changed)}"


def check(path: str, new: str, old: str | None) -> list[Hit]:
    new_table = _table(path, new)
    old_table = _table(path, old) if old is not None else None
    if new_table is None or old_table is None:
        return []  # no mlwarden config now, or none before: nothing was weakened
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
