"""Judging one file for secrets: plain text of any size, or a notebook's cells and text
outputs. Large text is read in bounded, overlapping windows rather than skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from mlwarden.checks.secrets.engine import Hit, scan_text
from mlwarden.checks.secrets.report import Detection, generic_applies, make_detection
from mlwarden.core import failclosed, notebook
from mlwarden.core.findings import Finding
from mlwarden.core.sources import Source, looks_binary

# Windows for large files: big enough that few windows are needed, with an overlap
# larger than any secret pattern (a PEM private key is a few KB).
WINDOW = 4 * 1024 * 1024
OVERLAP = 64 * 1024


def scan_source(
    source: Source, allowed: Sequence[re.Pattern[str]], *, generic: bool, max_bytes: int
) -> tuple[list[Detection], list[Finding]]:
    """(secrets found, fail-closed findings) for one file."""
    use_generic = generic and generic_applies(source.path)
    if source.path.lower().endswith(".ipynb"):
        return _scan_notebook(source, allowed, use_generic, max_bytes)
    if source.size <= WINDOW:
        data = source.read_bytes()
        if looks_binary(data):
            return [], []
        return _detections(source, data.decode("utf-8", "replace"), allowed, use_generic), []
    if looks_binary(source.head()):
        return [], []
    found: dict[tuple[int, int, str], Detection] = {}
    for first_line, text in _windows(source):
        for d in _detections(source, text, allowed, use_generic, first_line):
            loc = d.finding.location
            found.setdefault((loc.line, loc.column, d.finding.rule_id), d)
    return list(found.values()), []


def _detections(
    source: Source,
    text: str,
    allowed: Sequence[re.Pattern[str]],
    generic: bool,
    first_line: int = 1,
) -> list[Detection]:
    return [
        make_detection(hit, source, line=first_line + hit.line - 1, column=hit.column)
        for hit in scan_text(text, generic=generic, allowed=allowed)
    ]


def _windows(source: Source) -> Iterator[tuple[int, str]]:
    """(first line number, text) windows of a large file, cut at line ends; each repeats
    the last `OVERLAP` bytes of the previous one, so no secret is split between two."""
    with source.open() as f:
        pending = b""
        first_line = 1
        while True:
            data = f.read(WINDOW)
            block = pending + data
            if not data:
                if block:
                    yield first_line, block.decode("utf-8", "replace")
                return
            end = block.rfind(b"\n") + 1 or len(block)
            yield first_line, block[:end].decode("utf-8", "replace")
            # Start the next window at a line start at least OVERLAP bytes before `end`.
            restart = block.rfind(b"\n", 0, max(0, end - OVERLAP)) + 1
            first_line += block.count(b"\n", 0, restart)
            pending = block[restart:]


def _scan_notebook(
    source: Source, allowed: Sequence[re.Pattern[str]], generic: bool, max_bytes: int
) -> tuple[list[Detection], list[Finding]]:
    raw = source.read_bytes().decode("utf-8", "replace")
    try:
        view = notebook.text_view(raw)
    except notebook.NotebookError:
        # Still judged, as text: a broken notebook can hold a key all the same.
        return _detections(source, raw, allowed, generic), []
    if len(view.source) > max_bytes:
        # Sources and text outputs only: plots never count toward the limit.
        return [], [failclosed.too_large(source, len(view.source), max_bytes, "secrets")]
    hits = scan_text(view.source, generic=generic, allowed=allowed)
    raw_lines = raw.splitlines()
    return [_notebook_detection(source, view, hit, raw_lines) for hit in hits], []


def _notebook_detection(
    source: Source, view: notebook.NotebookView, hit: Hit, raw_lines: list[str]
) -> Detection:
    origin = view.origin(hit.line)
    return make_detection(
        hit,
        source,
        line=origin.raw_line,
        column=_raw_column(raw_lines, origin.raw_line, hit.secret),
        cell=origin.cell,
        output=origin.output,
    )


def _raw_column(raw_lines: list[str], line: int, secret: str) -> int:
    """Where the secret starts on the raw JSON line (escapes shift it), 1 if not found."""
    if 1 <= line <= len(raw_lines):
        col = raw_lines[line - 1].find(secret[:16])
        if col >= 0:
            return col + 1
    return 1
