"""Every way into a repository, turned into one list of `Source`s.

- paths (files and folders named on the command line, or pre-commit's file lists);
  no paths means the working directory;
- `--staged`: what the index is about to commit;
- `--commits RANGE`: what each commit of a range added (`A..B`, `A..`, `..B`, one
  commit, the all-zero id of a new branch) — pre-push ranges come through here too.

In a git repository a folder means what `git add -A` would see under it: tracked files
and untracked ones that are not ignored (never `.venv/` or `node_modules/`). Outside
git, folders are walked without following symlinks. Symlinks are never followed: git
stores the link, not its target, and a link loop must not stop a scan.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlwarden.core.cache import FOLDER as CACHE_FOLDER
from mlwarden.core.discovery import ConfigResolver
from mlwarden.core.errors import UsageError
from mlwarden.core.git import Repository
from mlwarden.core.sources import LFS_POINTER_MAX, Kind, LfsPointer, Snapshot, Source, lfs_pointer


@dataclass(frozen=True)
class Blocked:
    """A file that cannot be judged at all: `kind` is "unreadable" or "lfs"."""

    source: Source
    kind: str
    detail: str


@dataclass
class Gathered:
    """The files to judge, and what was found while looking for them."""

    sources: list[Source] = field(default_factory=list)
    # Files that cannot be judged at all (unreadable folders, missing LFS objects).
    blocked: list[Blocked] = field(default_factory=list)
    resolvers: dict[Path, ConfigResolver] = field(default_factory=dict)
    repositories: list[Repository] = field(default_factory=list)

    def close(self) -> None:
        for repo in self.repositories:
            repo.close()


def display_path(root: Path, path: str, cwd: Path) -> str:
    absolute = root / path
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive (Windows)
        return absolute.as_posix()
    return Path(relative).as_posix()


class _Repos:
    """One `Repository` per root for the whole run (one cat-file process each)."""

    def __init__(self, gathered: Gathered) -> None:
        self._by_root: dict[Path, Repository | None] = {}
        self._gathered = gathered

    def find(self, path: Path) -> Repository | None:
        start = path if path.is_dir() else path.parent
        for root, repo in self._by_root.items():
            if repo is not None and (start == root or root in start.parents):
                return repo
        repo = Repository.find(path)
        if repo is not None:
            if repo.root in self._by_root:
                repo.close()
                return self._by_root[repo.root]
            self._by_root[repo.root] = repo
            self._gathered.repositories.append(repo)
        return repo


def gather(
    *,
    paths: Sequence[str],
    cwd: Path,
    staged: bool = False,
    commits: str | None = None,
    config: str | None = None,
) -> Gathered:
    gathered = Gathered()
    explicit = Path(config).resolve() if config else None
    try:
        if commits is not None:
            _from_commits(gathered, cwd, commits, paths, explicit)
        elif staged:
            _from_index(gathered, cwd, paths, explicit)
        else:
            _from_work_tree(gathered, cwd, paths, explicit)
    except BaseException:
        gathered.close()
        raise
    return gathered


# --- the work tree ----------------------------------------------------------------------


def _from_work_tree(
    gathered: Gathered, cwd: Path, paths: Sequence[str], explicit: Path | None
) -> None:
    repos = _Repos(gathered)
    snapshots: dict[Path, Snapshot] = {}
    for given in paths or (".",):
        target = Path(given) if Path(given).is_absolute() else cwd / given
        if not os.path.lexists(target):
            raise UsageError(f"{given}: no such file or folder")
        target = Path(os.path.abspath(target))
        repo = repos.find(target)
        root = repo.root if repo is not None else _plain_root(target, cwd)
        if root not in snapshots:
            base = repo.resolve("HEAD") if repo is not None else None
            snapshots[root] = Snapshot(root, Kind.WORKTREE, repo, base_commit=base, cwd=cwd)
            gathered.resolvers[root] = _resolver(snapshots[root], explicit, cwd)
        snapshot = snapshots[root]
        for relative in _expand(gathered, repo, root, target, cwd):
            source = _work_tree_source(gathered, snapshot, relative, cwd)
            if source is not None:
                gathered.sources.append(source)
    _deduplicate(gathered)


def _plain_root(target: Path, cwd: Path) -> Path:
    """Outside git, a scan's root is the working directory when the target is below it,
    else the folder given (or the file's folder)."""
    resolved_cwd = Path(os.path.abspath(cwd))
    if target == resolved_cwd or resolved_cwd in target.parents:
        return resolved_cwd
    return target if target.is_dir() and not target.is_symlink() else target.parent


def _expand(
    gathered: Gathered, repo: Repository | None, root: Path, target: Path, cwd: Path
) -> Iterator[str]:
    """Root-relative POSIX paths of the files a command-line path stands for."""
    relative = target.relative_to(root).as_posix() if target != root else ""
    if target.is_symlink() or not target.is_dir():
        yield relative
        return
    if repo is not None:
        yield from repo.work_tree_files(relative)
        return
    yield from _walk(gathered, root, target, cwd)


def _walk(gathered: Gathered, root: Path, folder: Path, cwd: Path) -> Iterator[str]:
    """Files below `folder`, sorted, never following symlinks (so never looping)."""

    def unreadable(error: OSError) -> None:
        name = Path(error.filename or folder)
        relative = name.relative_to(root).as_posix() if name != root else "."
        snapshot = Snapshot(root, Kind.WORKTREE, None, cwd=cwd)
        source = Source(relative, display_path(root, relative, cwd), 0, snapshot)
        gathered.blocked.append(
            Blocked(source, "unreadable", f"folder cannot be listed: {error.strerror}")
        )

    for current, dirs, names in os.walk(folder, onerror=unreadable, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in (".git", CACHE_FOLDER))
        for name in sorted(names):
            yield (Path(current) / name).relative_to(root).as_posix()


def _work_tree_source(
    gathered: Gathered, snapshot: Snapshot, path: str, cwd: Path
) -> Source | None:
    full = snapshot.root / path
    display = display_path(snapshot.root, path, cwd)
    try:
        info = full.lstat()
    except FileNotFoundError:
        return None  # deleted since git listed it: nothing left to judge
    except OSError as exc:
        source = Source(path, display, 0, snapshot)
        gathered.blocked.append(Blocked(source, "unreadable", exc.strerror or str(exc)))
        return None
    if not stat.S_ISREG(info.st_mode):
        # Symlinks (git stores the link text), FIFOs, sockets, devices: nothing git
        # would commit as file content, and reading a FIFO would hang the scan.
        return None
    source = Source(path, display, info.st_size, snapshot)
    if info.st_size <= LFS_POINTER_MAX:
        try:
            head = source.head(LFS_POINTER_MAX + 1)
        except Exception:  # unreadable: the hooks report it when they read it
            return source
        return _through_lfs(gathered, source, lfs_pointer(head))
    return source


def _through_lfs(gathered: Gathered, source: Source, pointer: LfsPointer | None) -> Source | None:
    """The LFS object a pointer names, when this is a pointer; `blocked` if not fetched."""
    if pointer is None:
        return source
    repo = source.snapshot.repo
    objects = repo.lfs_objects if repo is not None else None
    target = objects / pointer.oid[:2] / pointer.oid[2:4] / pointer.oid if objects else None
    if target is None or not target.is_file():
        gathered.blocked.append(Blocked(source, "lfs", pointer.oid))
        return None
    return Source(
        source.path,
        source.display,
        pointer.size,
        source.snapshot,
        blob=source.blob,
        changed_lines=None,  # the artifact is new as a whole
        lfs=pointer,
    )


def _deduplicate(gathered: Gathered) -> None:
    """A file named twice (`scan a.py .`) is judged once."""
    seen: set[tuple[Path, str]] = set()
    unique: list[Source] = []
    for source in gathered.sources:
        key = (source.root, source.path)
        if key not in seen:
            seen.add(key)
            unique.append(source)
    gathered.sources = unique


def _resolver(snapshot: Snapshot, explicit: Path | None, cwd: Path) -> ConfigResolver:
    read: Callable[[str], bytes | None] = snapshot.read
    read_base = snapshot.read_base if snapshot.base_commit else None
    return ConfigResolver(
        snapshot.root,
        read,
        read_base,
        explicit=explicit,
        display=lambda path: display_path(snapshot.root, path, cwd),
    )


# --- the index ----------------------------------------------------------------------------


def _need_repo(gathered: Gathered, cwd: Path, what: str) -> Repository:
    repo = _Repos(gathered).find(cwd)
    if repo is None:
        raise UsageError(f"{what} needs a git repository; {cwd} is not in one")
    return repo


def _from_index(gathered: Gathered, cwd: Path, paths: Sequence[str], explicit: Path | None) -> None:
    repo = _need_repo(gathered, cwd, "--staged")
    head = repo.resolve("HEAD")
    snapshot = Snapshot(repo.root, Kind.INDEX, repo, base_commit=head, cwd=cwd)
    gathered.resolvers[repo.root] = _resolver(snapshot, explicit, cwd)
    wanted = _wanted(repo.root, cwd, paths)
    for path, blob, mode in repo.staged():
        if mode not in ("100644", "100755") or not wanted(path):
            continue
        _add_blob(gathered, snapshot, path, blob, None, cwd)


def _wanted(root: Path, cwd: Path, paths: Sequence[str]) -> Callable[[str], bool]:
    """Limit a git mode to the files and folders named on the command line."""
    if not paths:
        return lambda path: True
    prefixes = []
    for given in paths:
        absolute = Path(os.path.abspath(cwd / given))
        try:
            prefixes.append(absolute.relative_to(root).as_posix())
        except ValueError:
            raise UsageError(f"{given}: not in the repository at {root}") from None

    def wanted(path: str) -> bool:
        return any(p in ("", ".") or path == p or path.startswith(p + "/") for p in prefixes)

    return wanted


def _add_blob(
    gathered: Gathered,
    snapshot: Snapshot,
    path: str,
    blob: str,
    changed: frozenset[int] | None,
    cwd: Path,
) -> None:
    assert snapshot.repo is not None
    size = snapshot.repo.blob_size(blob)
    source = Source(
        path,
        display_path(snapshot.root, path, cwd),
        size,
        snapshot,
        blob=blob,
        changed_lines=changed,
    )
    if size <= LFS_POINTER_MAX:
        pointer = lfs_pointer(snapshot.repo.read_blob(blob))
        kept = _through_lfs(gathered, source, pointer)
        if kept is not None:
            gathered.sources.append(kept)
        return
    gathered.sources.append(source)


# --- commit ranges ------------------------------------------------------------------------


def _from_commits(
    gathered: Gathered, cwd: Path, spec: str, paths: Sequence[str], explicit: Path | None
) -> None:
    repo = _need_repo(gathered, cwd, "--commits")
    commit_range = repo.commit_range(spec)
    wanted = _wanted(repo.root, cwd, paths)
    # One config for the whole range: the tip's, and its base's for mlwarden's own
    # config files (a pushed change cannot exclude its own review).
    tip = Snapshot(
        repo.root, Kind.COMMIT, repo, commit=commit_range.tip, base_commit=commit_range.base
    )
    if commit_range.tip is not None:
        gathered.resolvers[repo.root] = _resolver(tip, explicit, cwd)
    parents: dict[str, Snapshot] = {}
    for change in repo.changes(commit_range.commits):
        if not wanted(change.path):
            continue
        snapshot = parents.get(change.commit)
        if snapshot is None:
            parent = repo.parent_of(change.commit)
            snapshot = Snapshot(repo.root, Kind.COMMIT, repo, change.commit, parent, cwd=cwd)
            parents[change.commit] = snapshot
        _add_blob(gathered, snapshot, change.path, change.blob, change.added_lines, cwd)
