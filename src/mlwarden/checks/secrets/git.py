"""What each commit of a pushed range added, read from one `git log -p` stream.

Scanning only the tip would miss a key committed with `--no-verify` and deleted in a
later commit of the same push: it still reaches the remote's history. So every commit
is read, added lines only (`-U0`, no renames so a moved file counts as added), with its
line number in that commit's version of the file.
"""

from __future__ import annotations

import codecs
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlwarden.core.errors import UsageError

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_COMMIT_MARK = "\x00commit "


@dataclass
class AddedFile:
    """The lines one commit added to one file: (line number in that commit, text)."""

    commit: str
    path: str
    lines: list[tuple[int, str]] = field(default_factory=list)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError as exc:
        raise UsageError(f"cannot run git: {exc}") from None


def _is_zero(rev: str) -> bool:
    return bool(rev) and set(rev) == {"0"}


def _verify(root: Path, rev: str) -> str:
    result = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if result.returncode != 0:
        raise UsageError(f"--commits: {rev!r} is not a commit in this repository")
    return result.stdout.decode().strip()


def range_revisions(root: Path, spec: str) -> list[str]:
    """`git log` arguments for `A..B`; an all-zero A (a new branch) means every commit of B
    that no remote has yet; an all-zero B (a deletion) means nothing to scan."""
    base, sep, tip = spec.partition("..")
    if not sep or not base or not tip or tip.startswith("."):
        raise UsageError(f"--commits expects FROM..TO, got {spec!r}")
    if _is_zero(tip):
        return []
    tip_sha = _verify(root, tip)
    if _is_zero(base):
        return [tip_sha, "--not", "--remotes"]
    return [f"{_verify(root, base)}..{tip_sha}"]


def _unquote(path: str) -> str:
    if path.startswith('"') and path.endswith('"'):
        raw = codecs.escape_decode(path[1:-1].encode("utf-8", "surrogateescape"))[0]
        return bytes(raw).decode("utf-8", "replace")
    return path


def added_files(root: Path, revisions: list[str]) -> Iterator[AddedFile]:
    """Stream every (commit, file) with the lines it added, oldest commit first."""
    if not revisions:
        return
    args = [
        "git",
        "-c",
        "core.quotepath=off",
        "log",
        "--reverse",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--no-textconv",
        "--format=%x00commit %H",
        "-p",
        "-U0",
        *revisions,
        "--",
    ]
    try:
        proc = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise UsageError(f"cannot run git: {exc}") from None
    assert proc.stdout is not None
    commit = ""
    current: AddedFile | None = None
    in_header = False
    line_no = 0
    for raw in proc.stdout:
        text = raw.decode("utf-8", "replace").rstrip("\n")
        if text.startswith(_COMMIT_MARK):
            if current and current.lines:
                yield current
            commit, current, in_header = text[len(_COMMIT_MARK) :], None, False
        elif text.startswith("diff --git "):
            if current and current.lines:
                yield current
            current, in_header = None, True
        elif in_header:
            if text.startswith("+++ "):
                target = text[4:].rstrip("\t")  # git appends a tab to names with spaces
                if target != "/dev/null":
                    current = AddedFile(commit, _unquote(target)[2:])
            elif text.startswith("@@"):
                in_header = False
                line_no = _hunk_start(text)
        elif text.startswith("@@"):
            line_no = _hunk_start(text)
        elif text.startswith("+") and current is not None:
            current.lines.append((line_no, text[1:].rstrip("\r")))
            line_no += 1
    if current and current.lines:
        yield current
    _, stderr = proc.communicate()
    if proc.returncode not in (0, None):
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git log failed: {message[0] if message else proc.returncode}")


def _hunk_start(header: str) -> int:
    match = _HUNK.match(header)
    return int(match.group(1)) if match else 1


def file_lines_at(root: Path, commit: str, path: str) -> list[str]:
    """The file as that commit has it (for suppression comments on the line above)."""
    result = _git(root, "show", f"{commit}:{path}")
    if result.returncode != 0:
        return []
    return result.stdout.decode("utf-8", "replace").splitlines()
