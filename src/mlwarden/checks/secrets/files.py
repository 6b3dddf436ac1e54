"""Scanning one working-tree file: plain text, or a notebook's cells and text outputs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mlwarden.checks.secrets.engine import scan_text
from mlwarden.checks.secrets.notebook import notebook_text
from mlwarden.checks.secrets.report import NAME, Detection, generic_applies, make_detection
from mlwarden.core.files import NotebookError, Skipped, read_text
from mlwarden.core.findings import ScanError
from mlwarden.core.hooks import ScanContext


def scan_file(
    path: str,
    ctx: ScanContext,
    allowed: Sequence[re.Pattern[str]],
    *,
    generic: bool,
) -> tuple[list[Detection], ScanError | None]:
    try:
        text = read_text(path, max_bytes=ctx.config.max_file_size, root=ctx.root).text
    except Skipped as exc:
        return [], None if exc.quiet else exc.as_error(NAME)
    use_generic = generic and generic_applies(path)
    if path.endswith(".ipynb"):
        try:
            return _scan_notebook(path, text, ctx, allowed, use_generic), None
        except NotebookError as exc:
            # Still scanned, as text: a broken notebook can hold a key all the same.
            error = ScanError(path, f"{exc}; scanned as plain text", NAME)
            return _scan_plain(path, text, ctx, allowed, use_generic), error
    return _scan_plain(path, text, ctx, allowed, use_generic), None


def _scan_plain(
    path: str, text: str, ctx: ScanContext, allowed: Sequence[re.Pattern[str]], generic: bool
) -> list[Detection]:
    return [
        make_detection(hit, path, ctx.root, line=hit.line, column=hit.column)
        for hit in scan_text(text, generic=generic, allowed=allowed)
    ]


def _scan_notebook(
    path: str, raw: str, ctx: ScanContext, allowed: Sequence[re.Pattern[str]], generic: bool
) -> list[Detection]:
    view = notebook_text(raw)
    hits = scan_text(view.text, generic=generic, allowed=allowed)
    if not hits:
        return []
    raw_lines = raw.splitlines()
    found: list[Detection] = []
    for hit in hits:
        origin = view.origin(hit.line)
        found.append(
            make_detection(
                hit,
                path,
                ctx.root,
                line=origin.raw_line,
                column=_raw_column(raw_lines, origin.raw_line, hit.secret),
                cell=origin.cell,
                output=origin.output,
            )
        )
    return found


def _raw_column(raw_lines: list[str], line: int, secret: str) -> int:
    """Where the secret starts on the raw JSON line (escapes shift it), 1 if not found."""
    if 1 <= line <= len(raw_lines):
        col = raw_lines[line - 1].find(secret[:16])
        if col >= 0:
            return col + 1
    return 1
