"""`[tool.mlwarden]` -> frozen `Config`; unknown keys are errors.

Every hook's table `[tool.mlwarden.<hook>]` is parsed by the same dataclass-driven
code, so a typo is always a one-line error naming the key. Which config governs which
file is `core.discovery`'s business; what counts as weakening a config is decided here,
beside the keys it reads (`weakenings`).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Severity

T = TypeVar("T")

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
ERROR_POLICIES = ("fail", "warn")
LFS_POLICIES = ("require", "skip-missing")


@dataclass(frozen=True)
class Config:
    """One `[tool.mlwarden]` table. `root` is the folder of the file that holds it (the
    repository root for the defaults); `folder` is that folder relative to the
    repository root, "" at the top; patterns are relative to it."""

    root: Path
    source: Path | None = None
    folder: str = ""
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = frozenset()
    min_severity: Severity = Severity.LOW
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # "warn": what could not be judged is reported but does not fail the run.
    errors: str = "fail"
    # "skip-missing": LFS pointers whose object is not fetched pass (CI without `lfs: true`).
    lfs: str = "require"
    hook_exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hook_options: Mapping[str, Any] = field(default_factory=dict)
    # The raw table, kept to compare a change against (see `weakenings`).
    table: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def options(self, hook: str, options_type: type[T]) -> T:
        """The hook's parsed options, or its defaults when the table is absent."""
        value = self.hook_options.get(hook)
        if value is None:
            return options_type()
        if not isinstance(value, options_type):
            raise TypeError(f"options for {hook} are {type(value).__name__}")
        return value

    def relative(self, path: str) -> str | None:
        """A repository-relative path as this config's patterns see it (None: not below)."""
        if not self.folder:
            return path
        prefix = self.folder + "/"
        return path[len(prefix) :] if path.startswith(prefix) else None

    def excludes(self, path: str, hook: str | None = None) -> str | None:
        """The pattern of this config that excludes `path` (for `hook`), or None."""
        relative = self.relative(path)
        if relative is None:
            return None
        patterns = self.hook_exclude.get(hook, ()) if hook else self.exclude
        return matching_pattern(relative, patterns)


def matching_pattern(path: str, patterns: typing.Sequence[str]) -> str | None:
    """Git-like globs: `*.ipynb`, `tests/fixtures/**`, `docs/` (a folder and below),
    `**` (everything). Returns the first pattern that matches."""
    posix = PurePosixPath(path).as_posix().removeprefix("./")
    parts = posix.split("/")
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if pat in ("**", "*", "**/*"):
            return pattern
        if pattern.endswith("/") or pattern.endswith("/**"):
            folder = pat[:-3] if pat.endswith("/**") else pat
            if (
                posix == folder
                or posix.startswith(folder + "/")
                or fnmatch.fnmatch(posix, folder + "/*")
            ):
                return pattern
            continue
        if "/" in pat:
            if fnmatch.fnmatch(posix, pat) or fnmatch.fnmatch(posix, pat + "/*"):
                return pattern
        elif any(fnmatch.fnmatch(part, pat) for part in parts):
            return pattern
    return None


def parse_config(
    table: Mapping[str, Any],
    *,
    root: Path,
    source: Path | None = None,
    folder: str = "",
    prefix: str = "tool.mlwarden",
) -> Config:
    from mlwarden.core.hooks import hook_names, load_hook

    where = str(source) if source else "config"

    def key_name(key: str) -> str:
        return f"{prefix}.{key}" if prefix else key

    known_hooks = set(hook_names())
    values: dict[str, Any] = {}
    hook_exclude: dict[str, tuple[str, ...]] = {}
    hook_options: dict[str, Any] = {}
    for key, value in table.items():
        name = key_name(key)
        if key == "exclude":
            values["exclude"] = _string_tuple(value, where, name)
        elif key == "disable":
            values["disable"] = frozenset(_string_tuple(value, where, name))
        elif key == "min-severity":
            if not isinstance(value, str):
                raise UsageError(f"{where}: {name} must be a string")
            try:
                values["min_severity"] = Severity.parse(value)
            except ValueError as exc:
                raise UsageError(f"{where}: {name}: {exc}") from None
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise UsageError(f"{where}: {name} must be a positive integer (bytes)")
            values["max_file_size"] = value
        elif key in ("errors", "lfs"):
            choices = ERROR_POLICIES if key == "errors" else LFS_POLICIES
            if value not in choices:
                raise UsageError(f"{where}: {name} must be one of {', '.join(choices)}")
            values[key] = value
        elif key in known_hooks:
            if not isinstance(value, dict):
                raise UsageError(f"{where}: [{name}] must be a table")
            hook_table = dict(value)
            if "exclude" in hook_table:
                hook_exclude[key] = _string_tuple(
                    hook_table.pop("exclude"), where, f"{name}.exclude"
                )
            hook_options[key] = parse_options(load_hook(key).options, hook_table, where, name)
        else:
            raise UsageError(f"{where}: unknown key {name!r}")
    return Config(
        root=root,
        source=source,
        folder=folder,
        hook_exclude=hook_exclude,
        hook_options=hook_options,
        table=dict(table),
        **values,
    )


def parse_options(options_type: type[T], table: Mapping[str, Any], where: str, name: str) -> T:
    """Build a hook's frozen options dataclass from a TOML table.

    Field `allow_globals` is spelt `allow-globals` in TOML. Supported field types:
    bool, int, float, str, tuple[str, ...] (a TOML array of strings), and
    Mapping[str, str] (a TOML table of strings).
    """
    if not dataclasses.is_dataclass(options_type):
        raise TypeError(f"{options_type!r} is not a dataclass")
    hints = typing.get_type_hints(options_type)
    fields = {f.name.replace("_", "-"): f.name for f in dataclasses.fields(options_type)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise UsageError(f"{where}: unknown key '{name}.{key}' (known: {known})")
        attr = fields[key]
        values[attr] = _coerce(hints[attr], value, where, f"{name}.{key}")
    return options_type(**values)


def _coerce(hint: Any, value: Any, where: str, name: str) -> Any:
    origin = typing.get_origin(hint)
    if hint is bool:
        if not isinstance(value, bool):
            raise UsageError(f"{where}: {name} must be true or false")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise UsageError(f"{where}: {name} must be an integer")
        return value
    if hint is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise UsageError(f"{where}: {name} must be a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise UsageError(f"{where}: {name} must be a string")
        return value
    if origin is tuple:
        return _string_tuple(value, where, name)
    if origin in (Mapping, dict, typing.Mapping):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise UsageError(f"{where}: {name} must be a table of strings")
        return types.MappingProxyType(dict(value))
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return _coerce(args[0], value, where, name)
    raise TypeError(f"unsupported option type {hint!r} for {name}")


def _string_tuple(value: Any, where: str, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{where}: {name} must be a list of strings")
    return tuple(value)


# --- what a change to the config loosens -----------------------------------------------------

_SEVERITIES = ("info", "low", "medium", "high", "critical")
GLOBAL_KEYS = frozenset({"exclude", "disable", "min-severity", "max-file-size", "errors", "lfs"})


def _as_set(value: object) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(v) for v in value}
    return set()


def _rank(value: object) -> int:
    text = value.lower() if isinstance(value, str) else ""
    return _SEVERITIES.index(text) if text in _SEVERITIES else 1


def weakenings(old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(key to point at, what changed) for each change that can only let more through.

    `old` is `{}` for a repository that had no config (the defaults). Any change to a
    hook's table counts: an option can loosen a hook in ways only its hook knows. A lower
    `max-file-size` is not a weakening: a file over it fails closed (MLW003)."""
    added = sorted(_as_set(new.get("disable")) - _as_set(old.get("disable")))
    if added:
        yield "disable", f"disables {', '.join(added)}"
    excluded = sorted(_as_set(new.get("exclude")) - _as_set(old.get("exclude")))
    if excluded:
        yield "exclude", f"excludes {', '.join(excluded)}"
    if _rank(new.get("min-severity")) > _rank(old.get("min-severity")):
        yield "min-severity", f"raises min-severity to {new.get('min-severity')}"
    for key, loose in (("errors", "warn"), ("lfs", "skip-missing")):
        if new.get(key) == loose and old.get(key) != loose:
            yield key, f"sets {key} = {loose!r}"
    for hook in sorted(set(new) - GLOBAL_KEYS):
        before, after = old.get(hook), new.get(hook)
        if not isinstance(after, dict):
            continue
        before = before if isinstance(before, dict) else {}
        changed = sorted(k for k in after if after.get(k) != before.get(k))
        if changed:
            yield hook, f"changes {', '.join(f'{hook}.{k}' for k in changed)}"
