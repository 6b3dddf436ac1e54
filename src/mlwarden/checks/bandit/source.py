"""Which files the bandit hook judges, how they are read, and where findings land.

Python files go to bandit as they are; notebooks as the shared code-cell view
(`core.notebook.code_view`), whose lines map back to the raw `.ipynb` line and cell.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlwarden.checks.bandit.engine import BanditIssue
from mlwarden.core import failclosed, notebook
from mlwarden.core.findings import Finding, ScanError
from mlwarden.core.notebook import NotebookView
from mlwarden.core.sources import Source, looks_binary

PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", re.MULTILINE)


@dataclass(frozen=True)
class Code:
    """A file to scan: its lines as bandit sees them, and for a notebook its view."""

    source: Source
    lines: tuple[str, ...]
    data: bytes
    view: NotebookView | None = None
    raw_lines: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.source.path

    def text(self) -> str:
        """The text bandit saw, lines joined (the filters parse it)."""
        return "\n".join(self.lines) + "\n"

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


def load_code(
    sources: Sequence[Source], hook: str, max_bytes: int
) -> tuple[list[Code], list[Finding], list[ScanError]]:
    """(what bandit judges, fail-closed findings, errors) for the files handed over."""
    codes: list[Code] = []
    unjudged: list[Finding] = []
    errors: list[ScanError] = []
    for source in sources:
        suffix = PurePosixPath(source.path).suffix.lower()
        # Extension-less files are judged only if they are Python scripts (shebang).
        if suffix != "" and not wants(source.path):
            continue
        if suffix == "" and not wants(source.path, source.head(256)):
            continue
        if suffix != ".ipynb" and source.size > max_bytes:
            unjudged.append(failclosed.too_large(source, source.size, max_bytes, hook))
            continue
        data = source.read_bytes()
        if looks_binary(data):
            errors.append(source.error(hook, "binary file, not Python source; not scanned"))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if suffix != ".ipynb" and _CODING.search(b"\n".join(data.split(b"\n", 2)[:2])):
                # PEP 263: bandit decodes declared encodings itself.
                codes.append(Code(source, (), data))
                continue
            byte = data[exc.start]
            message = f"not valid UTF-8 (byte 0x{byte:02x} at offset {exc.start}); not scanned"
            errors.append(source.error(hook, message))
            continue
        if suffix == ".ipynb":
            try:
                view = notebook.code_view(text)
            except notebook.NotebookError:
                continue  # not JSON: no cell a kernel could run (secrets reads it as text)
            if len(view.source) > max_bytes:
                unjudged.append(failclosed.too_large(source, len(view.source), max_bytes, hook))
                continue
            if view.source.strip():
                lines = tuple(view.source.split("\n")[:-1])
                codes.append(Code(source, lines, data, view, tuple(text.splitlines())))
            continue
        codes.append(Code(source, tuple(text.splitlines()), data))
    return codes, unjudged, errors


def locate(code: Code, issue: BanditIssue) -> tuple[dict[str, int | None], str | None, str]:
    """Where the finding is in the user's file (line, column, end), the notebook cell it
    is in, and a message prefix ("cell N: ")."""
    if code.view is None:
        where: dict[str, int | None] = {
            "line": issue.line,
            "column": issue.column,
            "end_line": issue.end_line,
            "end_column": issue.end_column,
        }
        return where, None, ""
    raw_line, cell = code.view.raw_position(issue.line)
    column = code.view.raw_column(issue.line, issue.column, code.raw_lines)
    return {"line": raw_line, "column": column}, f"cell {cell}", f"cell {cell}: "


def syntax_error(code: Code) -> str | None:
    """A one-line reason for a file bandit could not parse, with the line (and cell)."""
    text = code.view.source.encode("utf-8") if code.view is not None else code.data
    try:
        compile(text, code.path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or 1
        where = f"line {line}"
        if code.view is not None:
            raw_line, cell = code.view.raw_position(line)
            where = f"cell {cell} (line {raw_line})"
        return f"syntax error at {where}: {exc.msg}; not scanned"
    except (ValueError, UnicodeError) as exc:
        return f"cannot parse: {exc}; not scanned"
    return None
