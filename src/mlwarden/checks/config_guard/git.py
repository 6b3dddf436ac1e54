"""The two versions config-guard compares: what is about to be committed, and before.

At the pre-commit stage "new" is the staged blob (`:path`) and "old" is `HEAD:path`;
with `--commits A..B` they are `B:path` and `A:path`. A file git does not track yet is
read from the working tree; a repository without HEAD (the first commit) or a path new in
this commit has no old version. All blobs of a run come from one `git cat-file --batch`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mlwarden.core.files import Skipped, decode_text, read_text


@dataclass(frozen=True)
class Versions:
    new: str
    old: str | None


def _is_zero(rev: str) -> bool:
    return bool(rev) and set(rev) == {"0"}


def _revs(commits: str | None) -> tuple[str, str | None, bool]:
    """(prefix of the new blob, prefix of the old one or None, is it a commit range)."""
    if commits and ".." in commits:
        start, _, end = commits.partition("..")
        old = None if not start or _is_zero(start) else f"{start}:"
        return f"{end or 'HEAD'}:", old, True
    return ":", "HEAD:", False


def cat_blobs(specs: Sequence[str], max_bytes: int) -> dict[str, bytes | int | None]:
    """Each `<rev>:<path>` spec -> its bytes, its size when over `max_bytes`, or None."""
    wanted = [s for s in dict.fromkeys(specs) if "\n" not in s]
    result: dict[str, bytes | int | None] = dict.fromkeys(specs)
    if not wanted:
        return result
    try:
        done = subprocess.run(
            ["git", "cat-file", "--batch"],
            input="".join(s + "\n" for s in wanted).encode("utf-8", "surrogateescape"),
            capture_output=True,
            check=False,
        )
    except OSError:
        return result
    out, pos = done.stdout, 0
    for spec in wanted:
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split()
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue  # "<spec> missing" / "ambiguous": no such blob
        size = int(header[2])
        if header[1] == b"blob":
            result[spec] = out[pos : pos + size] if size <= max_bytes else size
        pos += size + 1
    return result


def read_many(
    paths: Sequence[str], *, root: Path, commits: str | None, max_bytes: int
) -> dict[str, Versions | Skipped]:
    """`paths` are relative to the working directory, which `./` keeps them relative to
    in git's `<rev>:<path>` syntax."""
    new_rev, old_rev, is_range = _revs(commits)
    specs = [f"{new_rev}./{p}" for p in paths]
    if old_rev is not None:
        specs += [f"{old_rev}./{p}" for p in paths]
    blobs = cat_blobs(specs, max_bytes)
    result: dict[str, Versions | Skipped] = {}
    for path in paths:
        try:
            new = _text(path, blobs[f"{new_rev}./{path}"], max_bytes)
            if new is None:
                if is_range:
                    raise Skipped(path, f"not in {new_rev[:-1]}", quiet=True)
                new = read_text(path, max_bytes=max_bytes, root=root).text
            old = _text(path, blobs[f"{old_rev}./{path}"], max_bytes) if old_rev else None
            result[path] = Versions(new=new, old=old)
        except Skipped as exc:
            result[path] = exc
    return result


def _text(path: str, blob: bytes | int | None, max_bytes: int) -> str | None:
    if blob is None:
        return None
    if isinstance(blob, int):
        raise Skipped(path, f"{blob} bytes is over max-file-size ({max_bytes}); skipped")
    return decode_text(path, blob).text


def tracked_files(cwd: Path) -> tuple[str, ...]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=cwd, capture_output=True, check=False)
    except OSError:
        return ()
    return tuple(n.decode("utf-8", "surrogateescape") for n in out.stdout.split(b"\0") if n)
