"""The one place that reads files for every hook.

It decides text vs binary, decodes invalid UTF-8 without crashing, caps huge files,
never follows a symlink (git stores the link, not its target; a link out of the
repository is reported), expands directories and applies `exclude`. It also turns a
notebook into a line-preserving view of its code cells, mapped back to raw-file lines,
so that semgrep, bandit and the secrets hook all report where an editor shows the text.

Notebook parsing is done here rather than with nbformat: nbformat validates the
schema (a malformed notebook would be an error, not a scan) and gives no raw-file
line numbers, which SARIF annotations need.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlwarden.core.findings import ScanError

BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class TextFile:
    path: str
    text: str
    had_decode_errors: bool = False

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


class Skipped(Exception):
    """A file that is not scanned; `reason` is the one-line note for `errors`.

    `quiet` marks skips that are normal (binary files for a text hook) and need no note.
    """

    def __init__(self, path: str, reason: str, *, quiet: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.quiet = quiet

    def as_error(self, hook: str) -> ScanError:
        return ScanError(self.path, self.reason, hook)


def looks_binary(head: bytes) -> bool:
    return b"\0" in head[:BINARY_SNIFF_BYTES]


def check_regular_file(path: str, root: Path | None = None) -> Path:
    """Refuse what must not be read: symlinks, devices, directories, missing files."""
    file_path = Path(path)
    if file_path.is_symlink():
        target = os.readlink(file_path)
        if root is not None:
            resolved = file_path.resolve()
            try:
                resolved.relative_to(root.resolve())
            except ValueError:
                raise Skipped(
                    path, f"symlink to {target} leaves the repository; not followed"
                ) from None
        raise Skipped(path, f"symlink to {target}; not followed", quiet=True)
    if not file_path.exists():
        raise Skipped(path, "file not found")
    if not file_path.is_file():
        raise Skipped(path, "not a regular file", quiet=True)
    return file_path


def read_bytes(path: str, *, max_bytes: int, root: Path | None = None) -> bytes:
    file_path = check_regular_file(path, root)
    try:
        size = file_path.stat().st_size
        if size > max_bytes:
            raise Skipped(path, f"{size} bytes is over max-file-size ({max_bytes}); skipped")
        return file_path.read_bytes()
    except PermissionError:
        raise Skipped(path, "permission denied") from None
    except OSError as exc:
        raise Skipped(path, f"cannot read: {exc.strerror or exc}") from None


def decode_text(path: str, data: bytes) -> TextFile:
    if looks_binary(data):
        raise Skipped(path, "binary file", quiet=True)
    try:
        return TextFile(path, data.decode("utf-8"))
    except UnicodeDecodeError:
        # Keep going: a secret next to a stray Latin-1 byte is still a secret.
        return TextFile(path, data.decode("utf-8", errors="replace"), had_decode_errors=True)


def read_text(path: str, *, max_bytes: int, root: Path | None = None) -> TextFile:
    """Read a text file or raise `Skipped` with the reason."""
    return decode_text(path, read_bytes(path, max_bytes=max_bytes, root=root))


# --- walking and excluding -------------------------------------------------------------


def to_posix(path: str) -> str:
    posix = PurePosixPath(Path(path).as_posix()).as_posix()
    return posix[2:] if posix.startswith("./") else posix


def is_excluded(path: str, patterns: Sequence[str]) -> bool:
    """Git-like globs: `*.ipynb`, `tests/fixtures/**`, `docs/` (a folder and below)."""
    posix = to_posix(path)
    parts = posix.split("/")
    for pattern in patterns:
        pat = pattern.rstrip("/")
        if pattern.endswith("/") or pattern.endswith("/**"):
            folder = pat[:-3] if pat.endswith("/**") else pat
            if (
                posix == folder
                or posix.startswith(folder + "/")
                or fnmatch.fnmatch(posix, folder + "/*")
            ):
                return True
            continue
        if "/" in pat:
            if fnmatch.fnmatch(posix, pat) or fnmatch.fnmatch(posix, pat + "/*"):
                return True
        elif any(fnmatch.fnmatch(part, pat) for part in parts):
            return True
    return False


def walk(paths: Iterable[str]) -> Iterator[str]:
    """Expand directories recursively (skipping `.git`), keep files as given."""
    for path in paths:
        if os.path.isdir(path) and not os.path.islink(path):
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d != ".git")
                for name in sorted(names):
                    yield to_posix(os.path.join(folder, name))
        else:
            yield to_posix(path)


def git_tracked_files(root: Path) -> list[str]:
    """Every file git tracks, relative to `root`: what `pre-commit run --all-files` sees."""
    try:
        output = subprocess.run(
            ["git", "ls-files", "-z", "--cached"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    names = [name.decode("utf-8", "surrogateescape") for name in output.split(b"\0") if name]
    return sorted(dict.fromkeys(names))


# --- notebooks -------------------------------------------------------------------------


class NotebookError(ValueError):
    pass


@dataclass(frozen=True)
class NotebookLine:
    """One line of a cell (source or text output) with where it stands in the raw file."""

    raw_line: int
    cell: int
    text: str


@dataclass(frozen=True)
class NotebookView:
    """Code cells as one Python text, line i of `source` coming from `lines[i - 1]`."""

    source: str
    lines: tuple[NotebookLine, ...]

    def raw_position(self, view_line: int) -> tuple[int, int]:
        """(raw-file line, 1-based cell number) for a 1-based line of the view."""
        if 1 <= view_line <= len(self.lines):
            entry = self.lines[view_line - 1]
            return entry.raw_line, entry.cell
        return 1, 0


_SOURCE_KEY = re.compile(r'"source"\s*:\s*')
_MAGIC = re.compile(r"^(\s*)(%%?|!|\?)")
_CELL_MAGIC = re.compile(r"^\s*%%(?!python)")


def _line_starts(raw: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", raw))
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _string_element_lines(raw: str, start: int, starts: list[int]) -> list[int]:
    """Raw-file lines of the JSON strings in the value that begins at `start`.

    The value is a string or an array of strings (nbformat); we locate each string's
    opening quote so that a finding in element k lands on the line that shows it.
    """
    decoder = json.JSONDecoder()
    lines: list[int] = []
    pos = start
    if raw.startswith("[", pos):
        pos += 1
        while True:
            while pos < len(raw) and raw[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(raw) or raw[pos] != '"':
                break
            lines.append(_line_of(starts, pos))
            _, pos = decoder.raw_decode(raw, pos)
    elif raw.startswith('"', pos):
        lines.append(_line_of(starts, pos))
    return lines


def parse_notebook(raw: str) -> list[dict[str, object]]:
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not valid notebook JSON: {exc.msg} at line {exc.lineno}") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no 'cells' list")
    return [cell for cell in cells if isinstance(cell, dict)]


def _source_text(value: object) -> list[str]:
    if isinstance(value, str):
        return value.splitlines() or [""]
    if isinstance(value, list):
        joined = "".join(item for item in value if isinstance(item, str))
        return joined.splitlines() or [""]
    return []


def notebook_cell_lines(raw: str, *, code_only: bool) -> list[NotebookLine]:
    """Every source line of the notebook's cells (only code cells when `code_only`),
    each with its raw-file line and 1-based cell number."""
    cells = parse_notebook(raw)
    starts = _line_starts(raw)
    source_keys = [m.end() for m in _SOURCE_KEY.finditer(raw)]
    result: list[NotebookLine] = []
    key_index = 0
    for number, cell in enumerate(cells, start=1):
        if "source" not in cell:
            continue
        # Cells appear in file order, and so do their "source" keys; a key inside an
        # output string would be escaped (\"source\") and cannot match.
        element_lines: list[int] = []
        if key_index < len(source_keys):
            element_lines = _string_element_lines(raw, source_keys[key_index], starts)
        key_index += 1
        if code_only and cell.get("cell_type") != "code":
            continue
        texts = _source_text(cell.get("source"))
        for k, text in enumerate(texts):
            raw_line = element_lines[min(k, len(element_lines) - 1)] if element_lines else 1
            result.append(NotebookLine(raw_line, number, text))
    return result


def notebook_code_view(raw: str) -> NotebookView:
    """Code cells as Python, IPython magics neutralised without shifting lines.

    A `%%bash`-style cell magic makes the whole cell non-Python: it becomes blank lines.
    A line magic or shell escape (`%pip`, `!ls`) becomes `pass` at the same indentation,
    so the surrounding block still parses.
    """
    lines = notebook_cell_lines(raw, code_only=True)
    out: list[str] = []
    current_cell = -1
    skip_cell = False
    for entry in lines:
        if entry.cell != current_cell:
            current_cell = entry.cell
            skip_cell = bool(_CELL_MAGIC.match(entry.text))
        if skip_cell:
            out.append("")
            continue
        magic = _MAGIC.match(entry.text)
        out.append(f"{magic.group(1)}pass" if magic else entry.text)
    return NotebookView("\n".join(out) + "\n", tuple(lines))
