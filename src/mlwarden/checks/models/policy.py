"""Whether a big binary lives in Git LFS or DVC rather than in git itself."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path


def lfs_tracked(cwd: Path, paths: Sequence[str]) -> set[str]:
    """Paths that a `.gitattributes` pattern sends through the LFS filter.

    Asks git itself (`check-attr`), so nested .gitattributes, negations and
    macros behave exactly as they do when git stores the file.
    """
    if not paths:
        return set()
    try:
        out = subprocess.run(
            ["git", "check-attr", "-z", "--stdin", "filter"],
            cwd=cwd,
            input=b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in paths),
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    fields = out.split(b"\0")
    tracked: set[str] = set()
    for i in range(0, len(fields) - 2, 3):
        if fields[i + 2] == b"lfs":
            tracked.add(fields[i].decode("utf-8", "surrogateescape"))
    return tracked


def dvc_tracked(path: str) -> bool:
    """A `<file>.dvc` pointer, or one for a folder above it, means DVC owns the file."""
    candidate = Path(path)
    for folder in (candidate, *candidate.parents):
        if folder != Path(".") and Path(f"{folder}.dvc").is_file():
            return True
    return False
