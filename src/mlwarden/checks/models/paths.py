"""Archive member names and links that leave the folder they are extracted into.

`tar.extractall()` before Python 3.12's filters, `zipfile`-based helpers that join names
themselves, `keras.utils.get_file(extract=True)` before its fixes, SageMaker's model
loader and many `unzip` scripts write a member named `../../.bashrc` or `/etc/cron.d/x`
where it says, or follow a symlink member out of the folder and write through it. Such a
member is reported whatever its content.
"""

from __future__ import annotations

import posixpath
import re

_DRIVE = re.compile(r"^[A-Za-z]:")


def escapes(name: str) -> str | None:
    """Why extracting a member called `name` writes outside the folder, or None."""
    if "\0" in name:
        return "its name holds a NUL byte"
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return "its path is absolute"
    depth = 0
    for part in unified.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "its path climbs out with `..`"
        elif part not in ("", "."):
            depth += 1
    return None


def link_escapes(member: str, target: str, *, hard: bool) -> str | None:
    """Why a symlink (relative to the member's folder) or a hard link (relative to the
    archive root) points outside the folder, or None."""
    unified = target.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return f"it links to the absolute path `{target}`"
    base = "" if hard else posixpath.dirname(member.replace("\\", "/"))
    joined = posixpath.normpath(posixpath.join("/root", base, unified))
    if joined != "/root" and not joined.startswith("/root/"):
        return f"it links to `{target}`, outside the folder"
    return None
