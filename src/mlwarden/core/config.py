"""`[tool.mlwarden]` of the scanned repository -> frozen `Config`; unknown keys are errors.

Config belongs to the scanned repository, never to the working directory: each file is
judged under the nearest `.mlwarden.toml` or `pyproject.toml` with a `[tool.mlwarden]`
table between its folder and the repository root (a monorepo's projects each keep
theirs). `exclude` is inherited downwards: a folder a parent config excludes stays
excluded even when a nested project has a config of its own. `--config PATH` replaces
discovery for every file.

A change to mlwarden's own configuration is judged under the configuration before the
change (`guard_config_files`): the files that configure mlwarden are judged with the
base snapshot's config (HEAD's, or a pushed range's base), so no commit can exclude,
disable or filter the review of its own weakening (config-guard's CFG014).

Every hook's table `[tool.mlwarden.<hook>]` is parsed by the same dataclass-driven
code, so a typo is always a one-line error naming the key.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from mlwarden.core import toml
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Severity

T = TypeVar("T")

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
CONFIG_FILES = (".mlwarden.toml", "pyproject.toml")
# Files whose findings are judged under the config before the change.
GUARD_CONFIG_NAMES = frozenset({".mlwarden.toml", "pyproject.toml", ".pre-commit-config.yaml"})
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


def is_guard_config(path: str) -> bool:
    return PurePosixPath(path).name in GUARD_CONFIG_NAMES


# --- discovery ----------------------------------------------------------------------------


Reader = Callable[[str], "bytes | None"]


class ConfigResolver:
    """The config of every file of one snapshot (and of its base, for guard configs).

    `read` reads a repository-relative file of the snapshot being judged; `read_base`
    the same file before the change (None: there is no before, e.g. a first commit).
    """

    def __init__(
        self,
        repo_root: Path,
        read: Reader,
        read_base: Reader | None = None,
        explicit: Path | None = None,
        display: Callable[[str], str] | None = None,
    ) -> None:
        self.repo_root = repo_root
        self._read = read
        self._read_base = read_base
        self._display = display or (lambda path: path)
        self._explicit = _load_explicit(explicit, repo_root) if explicit else None
        self._levels: dict[tuple[bool, str], Config | None] = {}
        # One object for the defaults: files that share a config are judged in one call.
        self._defaults = Config(root=repo_root)

    def _level(self, folder: str, base: bool) -> Config | None:
        """The config declared in `folder` itself (of the base snapshot when `base`)."""
        key = (base, folder)
        if key not in self._levels:
            self._levels[key] = self._load_level(folder, base)
        return self._levels[key]

    def _load_level(self, folder: str, base: bool) -> Config | None:
        read = self._read_base if base else self._read
        if read is None:
            return None
        for name in CONFIG_FILES:
            path = f"{folder}/{name}" if folder else name
            raw = read(path)
            if raw is None:
                continue
            text = raw.decode("utf-8", "replace")
            if name == "pyproject.toml" and "mlwarden" not in text:
                continue
            where = self._display(path) + (" (before this change)" if base else "")
            try:
                document = toml.loads(text)
                table = toml.mlwarden_table(name, document)
            except toml.TomlError as exc:
                if base:
                    return None  # a broken old config cannot be the yardstick; use the new
                if name == "pyproject.toml" and "[tool.mlwarden" not in text:
                    continue  # not ours: the pins hook reports a broken pyproject.toml
                raise UsageError(f"{where}: {exc}") from None
            if table is None:
                if name == ".mlwarden.toml":
                    raise UsageError(f"{where}: [tool.mlwarden] must be a table")
                continue
            root = self.repo_root / folder if folder else self.repo_root
            # `.mlwarden.toml` may hold the keys at its top level: name them as written.
            prefix = "" if name == ".mlwarden.toml" and "tool" not in document else "tool.mlwarden"
            return parse_config(table, root=root, source=Path(where), folder=folder, prefix=prefix)
        return None

    def chain(self, path: str, *, base: bool = False) -> tuple[Config, ...]:
        """The configs that govern `path`, outermost first."""
        if self._explicit is not None:
            return (self._explicit,)
        found = [
            config for folder in _folders(path) if (config := self._level(folder, base)) is not None
        ]
        return tuple(found)

    def for_path(self, path: str, *, base: bool = False) -> Config:
        """The config a file is judged under: the nearest, or the defaults."""
        chain = self.chain(path, base=base)
        return chain[-1] if chain else self._defaults

    def judging(self, path: str) -> tuple[Config, tuple[Config, ...]]:
        """(the config to judge `path` with, the chain whose excludes apply).

        The files that configure mlwarden are judged under the base snapshot's config:
        their change cannot exclude, disable or filter its own review."""
        if is_guard_config(path) and self._read_base is not None and self._explicit is None:
            chain = self.chain(path, base=True)
            return (chain[-1] if chain else self._defaults), chain
        chain = self.chain(path)
        return (chain[-1] if chain else self._defaults), chain


def _folders(path: str) -> Iterator[str]:
    """ "", "a", "a/b" for "a/b/c.py": the folders from the root down to the file's."""
    parts = PurePosixPath(path).parts[:-1]
    yield ""
    for i in range(1, len(parts) + 1):
        yield "/".join(parts[:i])


def excluded_by(chain: typing.Sequence[Config], path: str, hook: str | None = None) -> str | None:
    """Why `path` is excluded (for `hook`, when given): "<config>: <pattern>", or None."""
    for config in chain:
        pattern = config.excludes(path, hook)
        if pattern is not None:
            return f"{config.source or 'config'}: {pattern!r}"
    return None


def _load_explicit(path: Path, repo_root: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read config: {exc}") from None
    try:
        table = toml.mlwarden_table(path.name, toml.loads(text))
    except toml.TomlError as exc:
        raise UsageError(f"{path}: {exc}") from None
    # Like a discovered one, an explicit config's patterns are relative to its folder.
    folder = path.parent
    try:
        relative = folder.relative_to(repo_root).as_posix()
    except ValueError:
        relative, folder = "", repo_root
    relative = "" if relative == "." else relative
    if table is None:
        return Config(root=folder, source=path, folder=relative)
    return parse_config(table, root=folder, source=path, folder=relative)


def load_config(explicit: str | None = None, cwd: Path | None = None) -> Config:
    """The config that governs the working directory itself (used by commands that
    judge no files: branch-guard, baseline's output path). Scans resolve per file."""
    from mlwarden.core.git import Repository

    cwd = (cwd or Path.cwd()).resolve()
    repo = Repository.find(cwd)
    root = repo.root if repo is not None else cwd
    if repo is not None:
        repo.close()
    resolver = ConfigResolver(
        root, _disk_reader(root), explicit=Path(explicit) if explicit else None
    )
    try:
        relative = cwd.relative_to(root).as_posix()
    except ValueError:
        relative = "."
    return resolver.for_path(f"{relative}/x" if relative != "." else "x")


def _disk_reader(root: Path) -> Reader:
    def read(path: str) -> bytes | None:
        target = root / path
        try:
            return target.read_bytes() if target.is_file() else None
        except OSError:
            return None

    return read


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
