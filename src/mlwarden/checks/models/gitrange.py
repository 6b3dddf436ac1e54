"""The artifacts a pushed range adds or modifies, read from git's object store.

Blobs are streamed from one `git cat-file --batch` process: the head of each is
sniffed, and only candidates are spooled (to memory, or a temporary file when big)
for the analyser, which needs to seek in zip archives.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ZERO = "0" * 40


class GitError(Exception):
    pass


@dataclass(frozen=True)
class Change:
    commit: str
    path: str
    blob: str


def _git(root: Path, *args: str) -> bytes:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True).stdout
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed") from None


def commits_in_range(root: Path, spec: str) -> list[str]:
    """Oldest first. `0000..B` (a new branch) means the commits of B no remote has."""
    base, sep, tip = spec.partition("..")
    if not sep:
        raise GitError(f"commit range {spec!r} is not FROM..TO")
    if set(base) <= {"0"}:
        args = ["rev-list", "--reverse", tip, "--not", "--remotes"]
    else:
        args = ["rev-list", "--reverse", f"{base}..{tip}"]
    return _git(root, *args).decode().split()


def changed_blobs(root: Path, commit: str) -> list[Change]:
    """Files the commit adds or modifies (renames count as additions), no links/submodules."""
    out = _git(
        root,
        "diff-tree",
        "-r",
        "-z",
        "--no-commit-id",
        "--root",
        "--no-renames",
        "--diff-filter=AM",
        commit,
    )
    fields = out.split(b"\0")
    changes: list[Change] = []
    for i in range(0, len(fields) - 1, 2):
        meta = fields[i].decode().split()
        if len(meta) < 5 or meta[1] not in ("100644", "100755"):
            continue
        changes.append(Change(commit, fields[i + 1].decode("utf-8", "surrogateescape"), meta[3]))
    return changes


def iter_blobs(root: Path, shas: list[str]) -> Iterator[tuple[str, int, IO[bytes]]]:
    """(sha, size, stream positioned at the blob's start) for each sha, in order.

    The stream must be fully consumed (`drain`) before the next blob is produced;
    the generator takes care of that.
    """
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for sha in shas:
            proc.stdin.write(sha.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                continue
            size = int(header[2])
            window = _Window(proc.stdout, size)
            yield sha, size, window  # type: ignore[misc]
            window.drain()
            proc.stdout.read(1)  # the newline after each object
    finally:
        proc.stdin.close()
        proc.stdout.close()
        proc.wait()


class _Window:
    """At most `size` bytes of the batch output: one blob."""

    def __init__(self, raw: IO[bytes], size: int) -> None:
        self._raw = raw
        self.left = size

    def read(self, n: int) -> bytes:
        data = self._raw.read(min(n, self.left))
        self.left -= len(data)
        return data

    def drain(self) -> None:
        while self.left:
            if not self.read(1024 * 1024):
                break


def spool(window: IO[bytes], head: bytes) -> IO[bytes]:
    """The whole blob as a seekable file: memory up to 32 MB, then a temporary file."""
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - returned
    out.write(head)
    while True:
        chunk = window.read(1024 * 1024)
        if not chunk:
            break
        out.write(chunk)
    out.seek(0)
    return out
