"""A notebook as scannable text: cell sources and text outputs, never images.

`files.notebook_cell_lines` covers sources only; secrets also leak in outputs (a printed
config, `!env`, a traceback with a URL). So this walks the decoded JSON in document
order and finds each string's raw position with one forward-moving cursor: every line
of the virtual text maps back to the raw-file line (for SARIF) and its cell number.
Images and other binary outputs (`image/png`, widget state, PDFs) are skipped: base64
plots are where other scanners find false positives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mlwarden.core.files import parse_notebook

_TEXT_OUTPUT_KEYS = ("text", "traceback", "evalue")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MAX_MISSES = 64  # stop searching for strings we cannot place: keeps big notebooks linear


@dataclass(frozen=True)
class Origin:
    raw_line: int
    cell: int
    output: bool


@dataclass(frozen=True)
class NotebookText:
    text: str
    origins: tuple[Origin, ...]  # one per line of `text`

    def origin(self, line: int) -> Origin:
        return self.origins[min(max(line, 1), len(self.origins)) - 1]


def _is_text_mime(mime: str) -> bool:
    if mime.startswith("application/vnd.jupyter.widget"):
        return False
    return mime.startswith("text/") or mime == "application/json" or mime.endswith("+json")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))


class _Locator:
    """Raw-file line of each decoded string, searched forward from the previous one."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.cursor = 0
        self.line = 1
        self.misses = 0

    def locate(self, value: str) -> int:
        if value and self.misses < _MAX_MISSES:
            for ascii_only in (False, True):
                pos = self.raw.find(json.dumps(value, ensure_ascii=ascii_only), self.cursor)
                if pos >= 0:
                    # The cursor only moves forward: count only the newlines passed.
                    self.line += self.raw.count("\n", self.cursor, pos)
                    self.cursor = pos + 1  # raw[pos] is a quote, never a newline
                    return self.line
            self.misses += 1
        return self.line


def notebook_text(raw: str) -> NotebookText:
    """Raises `files.NotebookError` when `raw` is not a notebook."""
    cells = parse_notebook(raw)
    locator = _Locator(raw)
    lines: list[str] = []
    origins: list[Origin] = []

    def emit(values: Iterable[str], cell: int, output: bool) -> None:
        for value in values:
            raw_line = locator.locate(value)
            # IPython colours tracebacks: `\x1b[1;31mhf_…` would hide the token's boundary.
            text = _ANSI.sub("", value) if output and "\x1b" in value else value
            for piece in text.splitlines() or [""]:
                lines.append(piece)
                origins.append(Origin(raw_line, cell, output))

    for number, cell in enumerate(cells, start=1):
        # Keys in file order (json keeps it), so the locator's cursor only moves forward.
        for key, value in cell.items():
            if key == "source":
                emit(_strings(value), number, False)
            elif key == "outputs" and isinstance(value, list):
                for output in value:
                    if isinstance(output, dict):
                        emit(_output_strings(output), number, True)
        # A blank separator line: no multi-line match runs from one cell into the next.
        lines.append("")
        origins.append(Origin(locator.line, number, False))
    return NotebookText("\n".join(lines), tuple(origins))


def _output_strings(output: dict[str, object]) -> Iterator[str]:
    for key, value in output.items():
        if key in _TEXT_OUTPUT_KEYS:
            yield from _strings(value)
        elif key == "data" and isinstance(value, dict):
            for mime, data in value.items():
                if not _is_text_mime(mime):
                    continue  # images, PDFs, widgets: binary or base64, never scanned
                if isinstance(data, (dict, list)) and mime.endswith("json"):
                    yield json.dumps(data)
                else:
                    yield from _strings(data)
