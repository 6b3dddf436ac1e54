"""Which files the bandit hook scans, how they are read, and where findings land.

Python files go to bandit as they are; notebooks as the shared code-cell view
(`files.notebook_code_view`), whose lines map back to the raw `.ipynb` line and cell.
Everything is read through `mlwarden.core.files`, so size caps, symlinks and binary files are
handled like in every other hook.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlwarden.checks.bandit.engine import BanditIssue
from mlwarden.core.files import (
    NotebookError,
    NotebookView,
    Skipped,
    looks_binary,
    notebook_code_view,
    read_bytes,
)
from mlwarden.core.findings import Location, ScanError
from mlwarden.core.hooks import ScanContext

PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", re.MULTILINE)


@dataclass(frozen=True)
class Source:
    """A file to scan: its lines as bandit sees them, and for a notebook its view."""

    path: str
    lines: tuple[str, ...]
    data: bytes
    view: NotebookView | None = None
    raw_lines: tuple[str, ...] = ()

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""


def wants(path: str, data_head: bytes | None = None) -> bool:
    suffix = PurePosixPath(path).suffix.lower()
    if suffix in PYTHON_SUFFIXES or suffix == ".ipynb":
        return True
    if suffix == "" and data_head is not None:
        first = data_head.split(b"\n", 1)[0]
        return first.startswith(b"#!") and b"python" in first
    return False


def load_sources(ctx: ScanContext, hook: str) -> tuple[list[Source], list[ScanError]]:
    sources: list[Source] = []
    errors: list[ScanError] = []
    max_bytes = ctx.config.max_file_size
    for path in ctx.files:
        suffix = PurePosixPath(path).suffix.lower()
        # Extension-less files are scanned only if they are Python scripts (shebang).
        if suffix != "" and not wants(path):
            continue
        try:
            data = read_bytes(path, max_bytes=max_bytes, root=ctx.root)
        except Skipped as exc:
            if not exc.quiet and suffix != "":
                errors.append(exc.as_error(hook))
            continue
        if suffix == "" and not wants(path, data[:256]):
            continue
        if looks_binary(data):
            errors.append(ScanError(path, "binary file, not Python source; not scanned", hook))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if suffix != ".ipynb" and _CODING.search(b"\n".join(data.split(b"\n", 2)[:2])):
                # PEP 263: bandit decodes declared encodings itself.
                sources.append(Source(path, (), data))
                continue
            byte = data[exc.start]
            errors.append(
                ScanError(
                    path,
                    f"not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start}); not scanned",
                    hook,
                )
            )
            continue
        if suffix == ".ipynb":
            try:
                view = notebook_code_view(text)
            except NotebookError as exc:
                errors.append(ScanError(path, f"{exc}; not scanned", hook))
                continue
            if view.source.strip():
                lines = tuple(entry.text for entry in view.lines)
                sources.append(Source(path, lines, data, view, tuple(text.splitlines())))
            continue
        sources.append(Source(path, tuple(text.splitlines()), data))
    return sources, errors


def locate(source: Source, issue: BanditIssue) -> tuple[Location, str]:
    """The finding's location in the scanned file, and a message prefix ("cell N: ")."""
    if source.view is None:
        return (
            Location(source.path, issue.line, issue.column, issue.end_line, issue.end_column),
            "",
        )
    raw_line, cell = source.view.raw_position(issue.line)
    column = _raw_column(source, issue.line, raw_line, issue.column)
    return Location(source.path, raw_line, column, member=f"cell {cell}"), f"cell {cell}: "


def _raw_column(source: Source, view_line: int, raw_line: int, column: int) -> int:
    """The column in the raw JSON line where the view's column shows up.

    Only when that raw line is exactly one JSON string holding this source line (the
    usual `"source": [...]` layout); otherwise the start of the line.
    """
    if not 1 <= raw_line <= len(source.raw_lines):
        return 1
    raw = source.raw_lines[raw_line - 1]
    text = source.line_text(view_line)
    quote = raw.find('"')
    if quote < 0:
        return 1
    try:
        value = json.loads(raw[quote:].rstrip().rstrip(","))
    except ValueError:
        return 1
    if not isinstance(value, str) or value.rstrip("\r\n") != text:
        return 1
    prefix = json.dumps(text[: column - 1], ensure_ascii=False)[1:-1]
    return quote + 2 + len(prefix)


def syntax_error(source: Source) -> str | None:
    """A one-line reason for a file bandit could not parse, with the line (and cell)."""
    code = source.view.source.encode("utf-8") if source.view is not None else source.data
    try:
        compile(code, source.path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or 1
        where = f"line {line}"
        if source.view is not None:
            raw_line, cell = source.view.raw_position(line)
            where = f"cell {cell} (line {raw_line})"
        return f"syntax error at {where}: {exc.msg}; not scanned"
    except (ValueError, UnicodeError) as exc:
        return f"cannot parse: {exc}; not scanned"
    return None
