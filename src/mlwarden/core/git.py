"""The one git module: every question mlwarden asks a repository, on GitPython.

GitPython gives us repository discovery (worktrees, `core.worktree`, `GIT_DIR`), one
long-lived `git cat-file --batch` process for every blob a run reads (`odb.stream`),
and typed errors. Listings and the range walk are single porcelain commands run through
GitPython's command wrapper (`repo.git`), each returning all it knows at once: a run
never spawns git once per file.

Paths handed out are POSIX and relative to the repository root. Nothing here decides
policy: callers decide what a missing HEAD, a shallow clone or an unknown commit means.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO

# GitPython checks for a git executable when imported; scanning a plain folder on a
# machine without git must still work, so a missing git is reported when used instead.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import git as gitpython
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from mlwarden.core.errors import UsageError
from mlwarden.core.gitparse import added_lines, check_attr, raw_entries

_SPOOL_IN_MEMORY = 32 * 1024 * 1024
REGULAR_MODES = frozenset({"100644", "100755"})


class GitError(UsageError):
    """A git question that cannot be answered (bad revision, broken repository)."""


def is_zero(rev: str) -> bool:
    """git's "no object" id: 40 zeros, or 64 in a SHA-256 repository."""
    return bool(rev) and set(rev) == {"0"}


@dataclass(frozen=True)
class Change:
    """One file a commit added or modified: its new blob, and the lines it added.

    `added_lines` is None when every line counts (a new file, or a binary one whose
    diff has no lines)."""

    commit: str
    path: str
    blob: str
    mode: str
    added_lines: frozenset[int] | None


@dataclass(frozen=True)
class CommitRange:
    """The commits of a `--commits` spec, oldest first, and the commit they build on
    (None when the range reaches a root commit or the spec names a new branch whose
    history no remote has)."""

    spec: str
    commits: tuple[str, ...]
    base: str | None
    tip: str | None


class Repository:
    """A git work tree (or bare-less repository) and the questions mlwarden asks it."""

    def __init__(self, repo: gitpython.Repo) -> None:
        self._repo = repo
        # GitPython keeps one `git cat-file --batch(-check)` process per repository: a
        # request and its answer must not interleave with another thread's (hooks run
        # in threads), or both wait on the pipe forever.
        self._batch = threading.Lock()
        if repo.working_tree_dir is None:
            raise GitError(f"{repo.git_dir}: a bare repository has no files to scan")
        self.root = Path(repo.working_tree_dir).resolve()

    @classmethod
    def find(cls, path: Path) -> Repository | None:
        """The repository `path` lives in, or None (not in one, or git missing)."""
        start = path if path.is_dir() else path.parent
        try:
            return cls(gitpython.Repo(start, search_parent_directories=True))
        except (InvalidGitRepositoryError, NoSuchPathError, GitError):
            return None
        except (GitCommandError, OSError, ValueError, ImportError):
            return None

    def close(self) -> None:
        self._repo.close()

    @property
    def git_dir(self) -> Path:
        return Path(self._repo.git_dir)

    @cached_property
    def common_dir(self) -> Path:
        """Where objects and LFS live: shared by every linked work tree."""
        return Path(self._repo.common_dir)

    def _run(self, *args: str, check: bool = True) -> str:
        try:
            out: str = self._repo.git.execute(["git", *args], strip_newline_in_stdout=False)
            return out
        except GitCommandError as exc:
            if not check:
                return ""
            message = (exc.stderr or "").strip().splitlines()
            detail = message[-1] if message else f"git {args[0]} failed"
            raise GitError(detail.removeprefix("stderr: ").strip("' ")) from None

    def _bytes(self, *args: str) -> bytes:
        try:
            out: bytes = self._repo.git.execute(
                ["git", *args], stdout_as_string=False, strip_newline_in_stdout=False
            )
            return out
        except GitCommandError as exc:
            message = (exc.stderr or "").strip().splitlines()
            raise GitError(message[-1] if message else f"git {args[0]} failed") from None

    # --- refs and commits ---------------------------------------------------------------

    def resolve(self, rev: str) -> str | None:
        """The commit a revision names, or None."""
        out = self._run(
            "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}", check=False
        )
        return out.strip() or None

    def has_head(self) -> bool:
        return self.resolve("HEAD") is not None

    def current_branch(self) -> str | None:
        """`refs/heads/<name>` HEAD points at (even unborn), or None when detached."""
        return self._run("symbolic-ref", "-q", "HEAD", check=False).strip() or None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        try:
            self._repo.git.merge_base("--is-ancestor", ancestor, descendant)
        except GitCommandError:
            return False
        return True

    def remote_names(self) -> tuple[str, ...]:
        return tuple(self._run("remote", check=False).split())

    def new_commits_base(self, tip: str, remote: str | None) -> tuple[str, ...] | None:
        """Where the commits of `tip` that the remote lacks begin.

        None when nothing is new, () when the new commits reach a root commit (the whole
        history is new), else the boundary commits the remote already has. A commit is
        known to the remote when a remote-tracking ref of `remote` reaches it (any
        remote when `remote` is None or a bare URL).
        """
        scope = f"--remotes={remote}" if remote and remote in self.remote_names() else "--remotes"
        lines = self._run("rev-list", "--boundary", tip, "--not", scope, check=False).split()
        if not any(not line.startswith("-") for line in lines):
            return None
        return tuple(line[1:] for line in lines if line.startswith("-"))

    def commit_range(self, spec: str) -> CommitRange:
        """Resolve a `--commits` spec the way `git log` reads it, plus the pre-push forms.

        `A..B`, `A..` (to HEAD), `..B` (from HEAD), a single commit (that commit alone);
        an all-zero A means a new branch: the commits of B no remote has yet; an
        all-zero B is a deletion, which adds nothing.
        """
        base_spec, dots, tip_spec = spec.partition("..")
        if not dots:
            tip = self._must(spec)
            parents = self._run("rev-list", "--parents", "-n", "1", tip).split()[1:]
            return CommitRange(spec, (tip,), parents[0] if parents else None, tip)
        if tip_spec.startswith("."):
            raise GitError(f"--commits: {spec!r}: symmetric ranges (A...B) are not supported")
        if is_zero(tip_spec):
            return CommitRange(spec, (), None, None)
        tip = self._must(tip_spec or "HEAD")
        if is_zero(base_spec):
            commits = self._run("rev-list", "--reverse", tip, "--not", "--remotes").split()
            base = self.parent_of(commits[0]) if commits else tip
            return CommitRange(spec, tuple(commits), base, tip)
        base = self._must(base_spec or "HEAD")
        commits = self._run("rev-list", "--reverse", f"{base}..{tip}").split()
        return CommitRange(spec, tuple(commits), base, tip)

    def _must(self, rev: str) -> str:
        sha = self.resolve(rev)
        if sha is None:
            raise GitError(f"--commits: {rev!r} is not a commit in this repository")
        return sha

    def parent_of(self, commit: str) -> str | None:
        parents = self._run("rev-list", "--parents", "-n", "1", commit).split()[1:]
        return parents[0] if parents else None

    def changes(self, commits: Sequence[str]) -> Iterator[Change]:
        """Every regular file each commit adds or modifies, with the lines it added,
        oldest commit first: one `git log --raw` for the blobs, one `git log -p -U0` for
        the added lines, whatever the number of commits.

        Renames count as additions (`--no-renames`): a file moved out of an excluded
        folder is judged again. A merge is compared with its first parent.
        """
        if not commits:
            return
        common = [
            "log",
            "--no-walk=unsorted",
            "--no-renames",
            "--diff-merges=first-parent",
            "--diff-filter=AM",
            *commits,
            "--",
        ]
        raw = self._bytes(
            "-c",
            "core.quotepath=off",
            *common[:1],
            "--format=%x00%H",
            "--raw",
            "-z",
            "--no-abbrev",
            "--full-index",
            *common[1:],
        )
        patch = self._bytes(
            "-c",
            "core.quotepath=off",
            *common[:1],
            "--format=%x00commit %H",
            "-p",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            *common[1:],
        )
        added = added_lines(patch)
        for commit, path, blob, mode in raw_entries(raw):
            if mode in REGULAR_MODES:  # symlinks and submodules hold no file content
                yield Change(commit, path, blob, mode, added.get((commit, path)))

    # --- files and blobs ----------------------------------------------------------------

    def work_tree_files(self, under: str = "") -> list[str]:
        """What `git add -A` would see below `under`: tracked files and untracked ones
        that are not ignored. Tracked files deleted from the work tree are left out."""
        args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        out = self._bytes(*args, "--", under or ".")
        names = [n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n]
        return sorted(dict.fromkeys(n for n in names if os.path.lexists(self.root / n)))

    def tree_files(self, commit: str) -> tuple[str, ...]:
        out = self._bytes("ls-tree", "-r", "-z", "--name-only", commit)
        return tuple(n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n)

    def tracked_files(self) -> tuple[str, ...]:
        out = self._bytes("ls-files", "-z", "--cached")
        return tuple(n.decode("utf-8", "surrogateescape") for n in out.split(b"\0") if n)

    def staged(self) -> list[tuple[str, str, str]]:
        """(path, blob, mode) of each file the index adds or modifies against HEAD."""
        against = "HEAD" if self.has_head() else self._empty_tree()
        out = self._bytes(
            "diff-index",
            "--cached",
            "-z",
            "--no-renames",
            "--diff-filter=AM",
            "--full-index",
            against,
        )
        fields = out.split(b"\0")
        staged: list[tuple[str, str, str]] = []
        for i in range(0, len(fields) - 1, 2):
            meta = fields[i].decode().split()
            if len(meta) >= 5:
                path = fields[i + 1].decode("utf-8", "surrogateescape")
                staged.append((path, meta[3], meta[1]))
        return staged

    def _empty_tree(self) -> str:
        return self._run("hash-object", "-t", "tree", "/dev/null").strip()

    def entry(self, rev: str, path: str) -> tuple[str, int] | None:
        """(blob, size) of `path` in a tree-ish (`HEAD`, a commit id, or "" for the
        index), or None when it is not there or not a file."""
        spec = f"{rev}:{path}" if rev else f":{path}"
        try:
            kind, sha, size = self._header(spec)
        except GitError:
            return None
        return (sha, size) if kind == "blob" else None

    def _header(self, spec: str) -> tuple[str, str, int]:
        try:
            with self._batch:
                sha, kind, size = self._repo.git.get_object_header(spec)
        except (GitCommandError, ValueError) as exc:
            raise GitError(f"{spec}: {exc}") from None
        return _text(kind), _text(sha), int(size)

    def blob_size(self, blob: str) -> int:
        return self._header(blob)[2]

    def read_blob(self, blob: str) -> bytes:
        with self._batch:
            return bytes(self._repo.odb.stream(bytes.fromhex(blob)).read())

    def open_blob(self, blob: str) -> IO[bytes]:
        """The blob as a seekable file (loaders seek in zip archives): in memory up to
        32 MiB, then in a temporary file; never all in memory for a 1 GiB checkpoint."""
        out = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - returned
        with self._batch:
            stream = self._repo.odb.stream(bytes.fromhex(blob))
            while chunk := stream.read(1024 * 1024):
                out.write(chunk)
        out.seek(0)
        return out

    def filters(self, paths: Sequence[str]) -> dict[str, str]:
        """The `filter` attribute of each path (`lfs` for Git LFS), asked of git itself so
        nested .gitattributes, negations and macros behave exactly as when git stores it."""
        found: dict[str, str] = {}
        for chunk in range(0, len(paths), 500):
            out = self._bytes("check-attr", "-z", "filter", "--", *paths[chunk : chunk + 500])
            found.update(check_attr(out))
        return found

    @cached_property
    def lfs_objects(self) -> Path:
        """Git LFS's local object store: `lfs.storage` if set, else `<common dir>/lfs`."""
        configured = self._run("config", "--get", "lfs.storage", check=False).strip()
        base = Path(configured) if configured else Path("lfs")
        if not base.is_absolute():
            base = self.common_dir / base
        return base / "objects"


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
