"""What a hook judges: a `Source` is one file of one snapshot of a repository.

A snapshot is the work tree, the index (what is staged) or a commit. However the runner
reached the file (a path on the command line, a folder walk, pre-commit's file list,
`--staged`, `--commits`, a push), the hook sees the same object: its repository-relative
path, the bytes of that version, and the snapshot, to read the files next to it and the
version before the change. Hooks never open files or run git themselves.

Git LFS is read through here: a file whose bytes are an LFS pointer is judged by the
object it names, from the repository's local LFS store (no git-lfs binary needed).
"""

from __future__ import annotations

import enum
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mlwarden.core.findings import (
    Confidence,
    Finding,
    Location,
    ScanError,
    Severity,
    make_fingerprint,
)
from mlwarden.core.git import Repository
from mlwarden.core.rules import Rule

BINARY_SNIFF_BYTES = 8192
# A pointer file is tiny: git-lfs never writes one over 1024 bytes.
LFS_POINTER_MAX = 1024
_LFS_POINTER = re.compile(
    rb"\Aversion https://git-lfs\.github\.com/spec/v1\n"
    rb"(?:[a-z0-9.-]+ [^\n]*\n)*?"
    rb"oid sha256:(?P<oid>[0-9a-f]{64})\n"
    rb"size (?P<size>\d+)\n"
)


class Kind(enum.Enum):
    WORKTREE = "worktree"
    INDEX = "index"
    COMMIT = "commit"


@dataclass(frozen=True)
class TextFile:
    path: str
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


class Skipped(Exception):
    """A file a hook does not judge; `reason` is the one-line note for `errors`.

    `quiet` marks skips that are normal (binary files for a text hook) and need no note.
    """

    def __init__(self, path: str, reason: str, *, quiet: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.quiet = quiet


class Unreadable(Exception):
    """The bytes of a file could not be read (permission, I/O error, vanished).

    The runner turns it into a fail-closed finding (MLW002): what cannot be read was not
    judged, and a file that was not judged never passes."""


def looks_binary(head: bytes) -> bool:
    return b"\0" in head[:BINARY_SNIFF_BYTES]


def decode_text(path: str, data: bytes) -> TextFile:
    """Text, or `Skipped` (quiet) for binary data; invalid UTF-8 is replaced, not fatal:
    a secret next to a stray Latin-1 byte is still a secret."""
    if looks_binary(data):
        raise Skipped(path, "binary file", quiet=True)
    try:
        return TextFile(path, data.decode("utf-8"))
    except UnicodeDecodeError:
        return TextFile(path, data.decode("utf-8", errors="replace"))


@dataclass(frozen=True)
class LfsPointer:
    oid: str
    size: int


def lfs_pointer(head: bytes) -> LfsPointer | None:
    """The LFS object a file's bytes point at, when they are a pointer file."""
    if len(head) > LFS_POINTER_MAX or not head.startswith(b"version https://git-lfs"):
        return None
    match = _LFS_POINTER.match(head)
    return LfsPointer(match["oid"].decode(), int(match["size"])) if match else None


class Snapshot:
    """One version of a repository's files: the work tree, the index, or a commit.

    `base` is the version a change is judged against: HEAD for the work tree and the
    index, the parent for a commit (None: a root commit or a repository without HEAD).
    """

    def __init__(
        self,
        root: Path,
        kind: Kind,
        repo: Repository | None,
        commit: str | None = None,
        base_commit: str | None = None,
        *,
        cwd: Path | None = None,
    ) -> None:
        self.root = root
        self.kind = kind
        self.repo = repo
        self.commit = commit
        self.base_commit = base_commit
        self.cwd = cwd or root
        self._tracked: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        where = f" {self.commit[:12]}" if self.commit else ""
        return f"Snapshot({self.root}, {self.kind.value}{where})"

    @property
    def label(self) -> str:
        """How reports name this version of the file."""
        if self.kind is Kind.COMMIT and self.commit:
            return f"commit {self.commit[:12]}"
        return "staged" if self.kind is Kind.INDEX else "work tree"

    def _rev(self) -> str | None:
        """The tree-ish git reads this snapshot's files from ("" = the index)."""
        if self.kind is Kind.COMMIT:
            return self.commit
        return "" if self.kind is Kind.INDEX else None

    def read(self, path: str, limit: int | None = None) -> bytes | None:
        """Another file of the same version (a lock file beside its pyproject, the
        CODEOWNERS file), or None when it is not there or is larger than `limit`."""
        rev = self._rev()
        if rev is None:
            target = self.root / path
            try:
                if target.is_symlink() or not target.is_file():
                    return None
                if limit is not None and target.stat().st_size > limit:
                    return None
                return target.read_bytes()
            except OSError:
                return None
        if self.repo is None:
            return None
        entry = self.repo.entry(rev, path)
        if entry is None or (limit is not None and entry[1] > limit):
            return None
        return self.repo.read_blob(entry[0])

    def read_base(self, path: str, limit: int | None = None) -> bytes | None:
        """The file as it was before the change (HEAD's, or the parent commit's)."""
        if self.repo is None or self.base_commit is None:
            return None
        entry = self.repo.entry(self.base_commit, path)
        if entry is None or (limit is not None and entry[1] > limit):
            return None
        return self.repo.read_blob(entry[0])

    def display(self, path: str) -> str:
        """`path` relative to the working directory, as reports print it."""
        try:
            return Path(os.path.relpath(self.root / path, self.cwd)).as_posix()
        except ValueError:  # another drive (Windows)
            return (self.root / path).as_posix()

    def file(self, path: str) -> Source | None:
        """Another file of this version as a `Source` (a file a manifest includes, a lock
        file), or None when it is not there."""
        rev = self._rev()
        if rev is None:
            target = self.root / path
            try:
                info = target.lstat()
            except OSError:
                return None
            if not stat.S_ISREG(info.st_mode):
                return None
            return Source(path, self.display(path), info.st_size, self)
        entry = self.repo.entry(rev, path) if self.repo is not None else None
        if entry is None:
            return None
        return Source(path, self.display(path), entry[1], self, blob=entry[0])

    def exists(self, path: str) -> bool:
        rev = self._rev()
        if rev is None:
            return (self.root / path).is_file()
        return self.repo is not None and self.repo.entry(rev, path) is not None

    def tracked_files(self) -> tuple[str, ...]:
        """The files of this version git knows (the work tree's: tracked ones)."""
        if self._tracked is None:
            if self.repo is None:
                self._tracked = ()
            elif self.kind is Kind.COMMIT and self.commit:
                self._tracked = self.repo.tree_files(self.commit)
            else:
                self._tracked = self.repo.tracked_files()
        return self._tracked

    def __getstate__(self) -> dict[str, Any]:
        # Sent to worker processes without the repository handle: each reopens its own.
        state = dict(self.__dict__)
        state["repo"] = None
        state["_git_root"] = str(self.root) if self.repo is not None else None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        git_root = state.pop("_git_root", None)
        self.__dict__.update(state)
        if git_root is not None:
            self.repo = Repository.find(Path(git_root))


@dataclass(frozen=True, eq=False)
class Source:
    """One file to judge.

    `path` is POSIX and relative to the repository root: it is the file's identity in
    every mode (fingerprints, baselines, SARIF, config patterns). `display` is the same
    file relative to the working directory, which is what text reports print.
    `changed_lines` (commits only) are the lines that commit added; findings elsewhere in
    the file were already judged when those lines landed.
    """

    path: str
    display: str
    size: int
    snapshot: Snapshot = field(repr=False)
    blob: str | None = None
    changed_lines: frozenset[int] | None = field(default=None, repr=False)
    lfs: LfsPointer | None = None

    @property
    def commit(self) -> str | None:
        return self.snapshot.commit if self.snapshot.kind is Kind.COMMIT else None

    @property
    def root(self) -> Path:
        return self.snapshot.root

    @property
    def local_path(self) -> Path | None:
        """The file on disk, when this is the work tree's version of it (engines such as
        semgrep and bandit read files by name; other versions are written out for them)."""
        if self.snapshot.kind is Kind.WORKTREE and self.lfs is None:
            return self.snapshot.root / self.path
        return None

    def _lfs_object(self) -> Path:
        assert self.lfs is not None and self.snapshot.repo is not None
        oid = self.lfs.oid
        return self.snapshot.repo.lfs_objects / oid[:2] / oid[2:4] / oid

    def open(self) -> IO[bytes]:
        """The bytes as a seekable binary file; `Unreadable` when they cannot be read."""
        try:
            if self.lfs is not None:
                return self._lfs_object().open("rb")
            if self.snapshot.kind is Kind.WORKTREE:
                return _open_no_follow(self.snapshot.root / self.path)
            assert self.snapshot.repo is not None and self.blob is not None
            return self.snapshot.repo.open_blob(self.blob)
        except PermissionError:
            raise Unreadable("permission denied") from None
        except OSError as exc:
            raise Unreadable(f"cannot read: {exc.strerror or exc}") from None

    def read_bytes(self) -> bytes:
        with self.open() as f:
            try:
                return f.read()
            except OSError as exc:
                raise Unreadable(f"cannot read: {exc.strerror or exc}") from None

    def read_text(self, max_bytes: int | None = None) -> TextFile:
        """The text, or `Skipped` for binary files and files over `max_bytes`."""
        if max_bytes is not None and self.size > max_bytes:
            raise Skipped(self.path, f"{self.size} bytes is over the size limit ({max_bytes})")
        return decode_text(self.path, self.read_bytes())

    def location(
        self, line: int = 1, column: int = 1, *, member: str | None = None, **extra: int | None
    ) -> Location:
        return Location(
            self.display,
            line,
            column,
            commit=self.commit,
            member=member,
            repo_path=self.path,
            end_line=extra.get("end_line"),
            end_column=extra.get("end_column"),
        )

    def finding(
        self,
        rule: Rule,
        message: str,
        *,
        line: int = 1,
        column: int = 1,
        identity: tuple[str, ...] = (),
        member: str | None = None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> Finding:
        """The one way a hook builds a finding about this file.

        `identity` is what makes the finding unique inside the file (a hash of the
        secret, the normalised source line), never the line number: moving code does not
        change the fingerprint, and the fingerprint never holds a secret."""
        return Finding(
            rule_id=rule.id,
            message=message,
            location=self.location(
                line, column, member=member, end_line=end_line, end_column=end_column
            ),
            severity=rule.severity if severity is None else severity,
            confidence=rule.confidence if confidence is None else confidence,
            fingerprint=make_fingerprint(rule.id, self.path, *identity),
            hook=rule.hook,
        )

    def error(self, hook: str, message: str) -> ScanError:
        where = f" ({self.snapshot.label})" if self.commit else ""
        return ScanError(self.display, f"{message}{where}", hook)

    def head(self, size: int = BINARY_SNIFF_BYTES) -> bytes:
        with self.open() as f:
            return f.read(size)


def _open_no_follow(path: Path) -> IO[bytes]:
    """Open a work-tree file without following a symlink that replaced it meanwhile."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        return os.fdopen(fd, "rb")
    except Exception:
        os.close(fd)
        raise


def on_disk(source: Source, folder: Path, index: int) -> Path:
    """A path engines that read files by name (semgrep, bandit) can open for `source`:
    the work-tree file itself, or this version written below `folder` under its own name
    (a commit's blob, a staged blob, an LFS object)."""
    local = source.local_path
    if local is not None:
        return local
    target = folder / str(index) / Path(source.path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open() as src, target.open("wb") as dst:
        while chunk := src.read(1024 * 1024):
            dst.write(chunk)
    return target
