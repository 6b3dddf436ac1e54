"""Reading git's machine output: `check-attr -z`, `log --raw -z`, `log -p -U0`.

Kept apart from `core.git` (which asks the questions) so the parsing can be read and
tested on its own: git's formats are exact, and these functions follow them exactly.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def check_attr(out: bytes) -> dict[str, str]:
    fields = out.split(b"\0")
    found: dict[str, str] = {}
    for i in range(0, len(fields) - 2, 3):
        value = fields[i + 2].decode("utf-8", "surrogateescape")
        if value not in ("unspecified", "unset"):
            found[fields[i].decode("utf-8", "surrogateescape")] = value
    return found


def raw_entries(out: bytes) -> Iterator[tuple[str, str, str, str]]:
    """(commit, path, new blob, new mode) from `git log -z --raw --format=%x00%H`:
    NUL-separated commit ids, each followed by `:<modes> <blobs> <status>` NUL `<path>`."""
    tokens = out.split(b"\0")
    commit = ""
    i = 0
    while i < len(tokens):
        token = tokens[i].strip(b"\n")
        if token.startswith(b":") and i + 1 < len(tokens):
            meta = token[1:].decode().split()
            if len(meta) >= 5:
                path = tokens[i + 1].decode("utf-8", "surrogateescape")
                yield commit, path, meta[3], meta[1]
            i += 2
            continue
        if token and all(c in b"0123456789abcdef" for c in token):
            commit = token.decode()
        i += 1


def added_lines(out: bytes) -> dict[tuple[str, str], frozenset[int] | None]:
    """(commit, path) -> the line numbers the commit added, from `git log -p -U0`.

    None for a file whose patch has no hunks (binary): every byte of it is new."""
    found: dict[tuple[str, str], set[int] | None] = {}
    commit = ""
    current: tuple[str, str] | None = None
    for line in out.split(b"\n"):
        if line.startswith(b"\0commit "):
            commit, current = line[8:].decode().strip(), None
        elif line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            target = line[4:].rstrip(b"\t")
            current = None if target == b"/dev/null" else (commit, _unquote(target)[2:])
            if current is not None:
                found.setdefault(current, set())
        elif line.startswith(b"Binary files ") and line.endswith(b" differ"):
            # `Binary files /dev/null and b/<path> differ`: no lines, all of it is new
            target = line[len(b"Binary files ") : -len(b" differ")].split(b" and ")[-1]
            found[(commit, _unquote(target)[2:])] = None
        elif line.startswith(b"@@") and current is not None:
            match = _HUNK.match(line)
            bucket = found.get(current)
            if match and bucket is not None:
                start, count = int(match.group(1)), int(match.group(2) or b"1")
                bucket.update(range(start, start + count))
    return {key: frozenset(lines) if lines is not None else None for key, lines in found.items()}


def _unquote(name: bytes) -> str:
    """A path as git prints it in a patch header (C-quoted when unusual)."""
    if name.startswith(b'"') and name.endswith(b'"'):
        raw = codecs.escape_decode(name[1:-1])[0]
        return bytes(raw).decode("utf-8", "surrogateescape")
    return name.decode("utf-8", "surrogateescape")
