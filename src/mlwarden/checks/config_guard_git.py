"""The two versions config-guard compares: what is about to be committed, and before.

At the pre-commit stage "new" is the staged blob (`git show :path`) and "old" is
`HEAD:path`; with `--commits A..B` they are `B:path` and `A:path`. A file git does not
track yet is read from the working tree; a repository without HEAD (the first commit) or
a path new in this commit has no old version.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlwarden.files import Skipped, decode_text, read_text


@dataclass(frozen=True)
class Versions:
    new: str
    old: str | None


def _show(root: Path, spec: str, max_bytes: int) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "cat-file", "blob", spec], cwd=root, capture_output=True, check=False
        )
    except OSError:
        return None
    if done.returncode != 0:
        return None
    if len(done.stdout) > max_bytes:
        raise Skipped(spec.split(":", 1)[-1], f"over max-file-size ({max_bytes}); skipped")
    return done.stdout


def _is_zero(rev: str) -> bool:
    return bool(rev) and set(rev) == {"0"}


def read_versions(path: str, *, root: Path, commits: str | None, max_bytes: int) -> Versions:
    """Raise `Skipped` for an unreadable file; `path` is relative to the working directory,
    which `./` keeps relative to it in git's `<rev>:<path>` syntax."""
    spec = f"./{path}"
    cwd = Path.cwd()
    if commits and ".." in commits:
        start, _, end = commits.partition("..")
        new_raw = _show(cwd, f"{end or 'HEAD'}:{spec}", max_bytes)
        if new_raw is None:
            raise Skipped(path, f"not in {end or 'HEAD'}", quiet=True)
        new = decode_text(path, new_raw).text
        old_raw = None if _is_zero(start) or not start else _show(cwd, f"{start}:{spec}", max_bytes)
    else:
        staged = _show(cwd, f":{spec}", max_bytes)
        if staged is None:
            new = read_text(path, max_bytes=max_bytes, root=root).text
        else:
            new = decode_text(path, staged).text
        old_raw = _show(cwd, f"HEAD:{spec}", max_bytes)
    old = decode_text(path, old_raw).text if old_raw is not None else None
    return Versions(new=new, old=old)


def tracked_files(cwd: Path) -> tuple[str, ...]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=cwd, capture_output=True, check=False)
    except OSError:
        return ()
    return tuple(n.decode("utf-8", "surrogateescape") for n in out.stdout.split(b"\0") if n)
