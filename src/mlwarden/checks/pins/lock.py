"""Lock files beside a pyproject.toml: which one, and what versions it pins."""

from __future__ import annotations

import json
import posixpath
from typing import Any

from packaging.utils import canonicalize_name

from mlwarden.checks.pins.common import Sink, read
from mlwarden.core import toml
from mlwarden.core.sources import Snapshot

LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Pipfile.lock")


def parse_toml(text: str) -> dict[str, Any]:
    """The one TOML reader (`core.toml`); its TomlError is a ValueError callers catch."""
    return toml.loads(text)


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None


def find_lock(pyproject: str, files: Snapshot) -> str | None:
    """The nearest lock file: beside pyproject.toml, else in a parent (workspaces), up to root."""
    folder = posixpath.dirname(pyproject)
    while True:
        for name in LOCK_FILES:
            candidate = posixpath.join(folder, name) if folder else name
            if files.exists(candidate):
                return candidate
        if not folder or folder in (".", "/"):
            return None
        folder = posixpath.dirname(folder)


def locked_versions(
    path: str, files: Snapshot, max_bytes: int, sink: Sink
) -> dict[str, set[str]] | None:
    """Canonical name -> versions in the lock, or None (error recorded) if unreadable."""
    text = read(path, files, max_bytes, sink)
    if text is None:
        return None
    versions: dict[str, set[str]] = {}
    try:
        if path.endswith("Pipfile.lock"):
            data: Any = parse_json(text)
            if not isinstance(data, dict):
                raise ValueError("invalid JSON: not an object")
            for group in (data.get("default"), data.get("develop")):
                for name, info in group.items() if isinstance(group, dict) else []:
                    version = info.get("version", "") if isinstance(info, dict) else ""
                    version = version if isinstance(version, str) else ""
                    versions.setdefault(canonicalize_name(name), set()).add(version.lstrip("="))
            return versions
        data = parse_toml(text)
    except ValueError as exc:
        sink.error(path, f"lock file: {exc}")
        return None
    key = "packages" if path.endswith("pylock.toml") else "package"
    for package in data.get(key, []) if isinstance(data, dict) else []:
        if isinstance(package, dict) and isinstance(package.get("name"), str):
            version = package.get("version")
            versions.setdefault(canonicalize_name(package["name"]), set()).add(
                version if isinstance(version, str) else ""
            )
    return versions
