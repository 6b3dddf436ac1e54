"""`[tool.mlwarden]` loader: TOML -> frozen `Config`; unknown keys are errors.

Looked up in this order: `--config PATH`; else the nearest `.mlwarden.toml` or
`pyproject.toml` with a `[tool.mlwarden]` table, walking up from the working directory
to the git root. Every hook's table `[tool.mlwarden.<hook>]` is parsed by the same
dataclass-driven code, so a typo is always a one-line error naming the key.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

T = TypeVar("T")

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = frozenset()
    min_severity: Severity = Severity.LOW
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    hook_exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hook_options: Mapping[str, Any] = field(default_factory=dict)

    def options(self, hook: str, options_type: type[T]) -> T:
        """The hook's parsed options, or its defaults when the table is absent."""
        value = self.hook_options.get(hook)
        if value is None:
            return options_type()
        if not isinstance(value, options_type):
            raise TypeError(f"options for {hook} are {type(value).__name__}")
        return value


def find_git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_config_file(start: Path) -> Path | None:
    """The nearest file that configures mlwarden, not looking above the git root."""
    stop = find_git_root(start)
    for folder in (start, *start.parents):
        dotfile = folder / ".mlwarden.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_mlwarden_table(pyproject):
            return pyproject
        if stop is None or folder == stop:
            break
    return None


def _has_mlwarden_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except RecursionError:
        return False
    except tomllib.TOMLDecodeError:
        # A broken pyproject.toml is our error only when it meant to configure us;
        # otherwise the pins hook reports it when it scans the file.
        return "[tool.mlwarden" in text
    tool = data.get("tool")
    return isinstance(tool, dict) and "mlwarden" in tool


def load_config(explicit: str | None = None, cwd: Path | None = None) -> Config:
    cwd = cwd or Path.cwd()
    root = find_git_root(cwd) or cwd
    path = Path(explicit) if explicit else find_config_file(cwd)
    if path is None:
        return Config(root=root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path}: invalid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("mlwarden", {}) if isinstance(tool, dict) else {}
        prefix = "tool.mlwarden"
    else:
        table = data.get("tool", {}).get("mlwarden", data) if "tool" in data else data
        prefix = "tool.mlwarden" if "tool" in data else ""
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [{prefix}] must be a table")
    return parse_config(table, root=root, source=path, prefix=prefix)


def parse_config(
    table: Mapping[str, Any], *, root: Path, source: Path | None = None, prefix: str = ""
) -> Config:
    from mlwarden.core.hooks import hook_names, load_hook

    where = source.name if source else "config"

    def key_name(key: str) -> str:
        return f"{prefix}.{key}" if prefix else key

    known_hooks = set(hook_names())
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = frozenset()
    min_severity = Severity.LOW
    max_file_size = DEFAULT_MAX_FILE_SIZE
    hook_exclude: dict[str, tuple[str, ...]] = {}
    hook_options: dict[str, Any] = {}
    for key, value in table.items():
        name = key_name(key)
        if key == "exclude":
            exclude = _string_tuple(value, where, name)
        elif key == "disable":
            disable = frozenset(_string_tuple(value, where, name))
        elif key == "min-severity":
            if not isinstance(value, str):
                raise UsageError(f"{where}: {name} must be a string")
            try:
                min_severity = Severity.parse(value)
            except ValueError as exc:
                raise UsageError(f"{where}: {name}: {exc}") from None
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise UsageError(f"{where}: {name} must be a positive integer (bytes)")
            max_file_size = value
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
        exclude=exclude,
        disable=disable,
        min_severity=min_severity,
        max_file_size=max_file_size,
        hook_exclude=hook_exclude,
        hook_options=hook_options,
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
