"""Which `[tool.mlwarden]` governs which file: config belongs to the scanned repository.

Each file is judged under the nearest `.mlwarden.toml` or `pyproject.toml` with a
`[tool.mlwarden]` table between its folder and the repository root (a monorepo's
projects each keep theirs), never under the working directory's. `exclude` is inherited
downwards: a folder a parent config excludes stays excluded even when a nested project
has a config of its own. `--config PATH` replaces discovery for every file.

A change to mlwarden's own configuration is judged under the configuration before the
change (`judging`): the files that configure mlwarden are judged with the base
snapshot's config (HEAD's, or a pushed range's base), so no commit can exclude, disable
or filter the review of its own weakening (config-guard's CFG014).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from mlwarden.core import toml
from mlwarden.core.config import Config, parse_config
from mlwarden.core.errors import UsageError

CONFIG_FILES = (".mlwarden.toml", "pyproject.toml")
# Files whose findings are judged under the config before the change.
GUARD_CONFIG_NAMES = frozenset({".mlwarden.toml", "pyproject.toml", ".pre-commit-config.yaml"})


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
