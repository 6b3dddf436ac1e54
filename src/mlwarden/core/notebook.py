"""Jupyter notebooks as text the hooks can judge, mapped back to the raw `.ipynb` lines.

One walk over the notebook gives every line of every cell's source and of its text
outputs, each with the raw-file line it stands on and its cell number; two views are
built from it:

- `code_view`: the code cells as one Python text (semgrep, bandit). IPython syntax is
  neutralised without shifting lines: a shell escape or line magic (`!pip`, `%cd`)
  becomes `pass` at the same indentation, `%time expr` keeps its expression, a cell
  magic that runs Python (`%%time`, `%%capture`, `%%timeit`…) keeps its cell, and one
  that runs another language (`%%bash`, `%%sql`…) blanks its cell;
- `text_view`: sources of every cell and their text outputs (secrets leak in a printed
  config or a traceback). Images and other binary outputs are never part of it, so
  plots neither cost time nor count toward a size limit.

Cells are numbered from 1, top to bottom, markdown cells included: "cell 3" is the third
cell a notebook editor shows. We parse the JSON ourselves rather than with nbformat:
nbformat validates the schema (a slightly malformed notebook would not be judged at all)
and gives no raw-file line numbers, which SARIF annotations need.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_TEXT_OUTPUT_KEYS = ("text", "traceback", "evalue")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MAX_MISSES = 64  # stop searching for strings we cannot place: keeps big notebooks linear
_LINE_MAGIC = re.compile(r"^(\s*)(%%?|!|\?)")
# `files = !ls`, `[path] = !ls -td runs/* | head -1`, `out = %sx cmd`: the target is Python,
# the right-hand side is IPython syntax.
_ASSIGNED_MAGIC = re.compile(r"^(\s*)([\w\[\](),. ]+?)\s*=\s*[!%](?!=)")
# Line magics whose argument is a Python statement: `%time x = load(p)` runs `x = load(p)`.
_PYTHON_LINE_MAGIC = re.compile(
    r"^(\s*)%(?:time|timeit|prun|capture|debug)\b(?:\s+-[A-Za-z]+(?:\s*\d+)?)*\s+(?=\S)"
)
_CELL_MAGIC = re.compile(r"^\s*%%(\w+)")
# Cell magics whose body is Python that IPython runs in this kernel.
PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "python", "python3", "memit", "heat"}
)


class NotebookError(ValueError):
    pass


@dataclass(frozen=True)
class NotebookLine:
    """One line of a cell's source or text output, and where it stands in the raw file."""

    raw_line: int
    cell: int
    text: str
    output: bool = False
    code: bool = False  # a line of a code cell's source


@dataclass(frozen=True)
class NotebookView:
    """Text built from a notebook; line i of `source` comes from `lines[i - 1]`."""

    source: str
    lines: tuple[NotebookLine, ...]

    def origin(self, view_line: int) -> NotebookLine:
        if 1 <= view_line <= len(self.lines):
            return self.lines[view_line - 1]
        return NotebookLine(1, 0, "")

    def raw_position(self, view_line: int) -> tuple[int, int]:
        """(raw-file line, cell number) for a 1-based line of the view."""
        origin = self.origin(view_line)
        return origin.raw_line, origin.cell

    def raw_column(
        self, view_line: int, column: int, raw_lines: list[str] | tuple[str, ...]
    ) -> int:
        """The column in the raw JSON line where the view's `column` shows up, or 1 when
        the raw line does not hold this view line as one JSON string."""
        origin = self.origin(view_line)
        if not 1 <= origin.raw_line <= len(raw_lines):
            return 1
        raw = raw_lines[origin.raw_line - 1]
        text = self.source.split("\n")[view_line - 1] if view_line >= 1 else ""
        for ascii_only in (False, True):
            encoded = json.dumps(text, ensure_ascii=ascii_only)[1:-1]
            start = raw.find(encoded) if encoded else -1
            if start >= 0:
                prefix = json.dumps(text[: column - 1], ensure_ascii=ascii_only)[1:-1]
                return start + len(prefix) + 1
        return 1


def parse(raw: str) -> list[dict[str, object]]:
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"not valid notebook JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise NotebookError("not valid notebook JSON: nested too deeply") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no 'cells' list")
    return [cell if isinstance(cell, dict) else {} for cell in cells]


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


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))


def _is_text_mime(mime: str) -> bool:
    if mime.startswith("application/vnd.jupyter.widget"):
        return False
    return mime.startswith("text/") or mime == "application/json" or mime.endswith("+json")


def _output_strings(output: dict[str, object]) -> Iterator[str]:
    for key, value in output.items():
        if key in _TEXT_OUTPUT_KEYS:
            yield from _strings(value)
        elif key == "data" and isinstance(value, dict):
            for mime, data in value.items():
                if not _is_text_mime(mime):
                    continue  # images, PDFs, widgets: binary or base64, never judged
                if isinstance(data, (dict, list)) and mime.endswith("json"):
                    yield json.dumps(data)
                else:
                    yield from _strings(data)


def walk(raw: str, *, outputs: bool = True) -> list[NotebookLine]:
    """Every source line (and text output line) of every cell, in file order.

    Raises `NotebookError` when `raw` is not a notebook."""
    cells = parse(raw)
    locator = _Locator(raw)
    found: list[NotebookLine] = []

    def emit(values: Iterable[str], cell: int, output: bool, code: bool) -> None:
        # A source array's elements each end with "\n"; joined they are the cell's text.
        for value in values:
            raw_line = locator.locate(value)
            # IPython colours tracebacks: `\x1b[1;31mhf_…` would hide a token's boundary.
            text = _ANSI.sub("", value) if output and "\x1b" in value else value
            pieces = text.split("\n")
            if pieces and pieces[-1] == "" and len(pieces) > 1:
                pieces.pop()
            for piece in pieces:
                found.append(NotebookLine(raw_line, cell, piece.rstrip("\r"), output, code))

    for number, cell in enumerate(cells, start=1):
        code = cell.get("cell_type") == "code"
        # Keys in file order (json keeps it), so the locator's cursor only moves forward.
        for key, value in cell.items():
            if key == "source":
                emit(_strings(value), number, False, code)
            elif key == "outputs" and outputs and isinstance(value, list):
                for output in value:
                    if isinstance(output, dict):
                        emit(_output_strings(output), number, True, False)
    return found


def text_view(raw: str) -> NotebookView:
    """Every cell's source and text outputs, a blank line between cells so no pattern
    runs from one cell into the next."""
    lines: list[NotebookLine] = []
    previous = 0
    for entry in walk(raw):
        if previous and entry.cell != previous:
            lines.append(NotebookLine(entry.raw_line, previous, ""))
        previous = entry.cell
        lines.append(entry)
    return NotebookView("\n".join(line.text for line in lines) + "\n", tuple(lines))


def code_view(raw: str) -> NotebookView:
    """The code cells as Python, IPython syntax neutralised without shifting lines."""
    out: list[str] = []
    kept: list[NotebookLine] = []
    current_cell = -1
    skip_cell = False
    continued = False  # the previous line was IPython syntax ending in `\`
    for entry in walk(raw, outputs=False):
        if not entry.code:
            continue
        if continued and entry.cell == current_cell:
            # `!pip install a \` goes on over the next lines: still shell, not Python.
            kept.append(entry)
            out.append("")
            continued = entry.text.rstrip().endswith("\\")
            continue
        if entry.cell != current_cell:
            current_cell = entry.cell
            magic = _CELL_MAGIC.match(entry.text)
            skip_cell = magic is not None and magic.group(1) not in PYTHON_CELL_MAGICS
            if magic is not None:
                out.append("")  # the `%%time` line itself
                kept.append(entry)
                continue
        kept.append(entry)
        if skip_cell:
            out.append("")
            continue
        python = _PYTHON_LINE_MAGIC.match(entry.text)
        if python is not None:
            out.append(python.group(1) + entry.text[python.end() :])
            continue
        magic_line = _LINE_MAGIC.match(entry.text)
        assigned = None if magic_line else _ASSIGNED_MAGIC.match(entry.text)
        if assigned is not None:
            out.append(f"{assigned.group(1)}{assigned.group(2)} = None")
        else:
            out.append(f"{magic_line.group(1)}pass" if magic_line else entry.text)
        continued = (magic_line or assigned) is not None and entry.text.rstrip().endswith("\\")
    return NotebookView("\n".join(out) + "\n", tuple(kept))


# A shell escape `!cmd` (also `files = !ls`, `[path] = !ls`), and the line magics that run a
# package manager in the kernel's environment: `%pip install x` runs `pip install x`.
_SHELL_ESCAPE = re.compile(r"^\s*(?:[\w\[\](),. ]+?\s*=\s*)?!(?!=)\s*")
_PACKAGE_MAGIC = re.compile(r"^\s*%(pip|conda|mamba|micromamba|uv)\b")
# Cell magics whose body is a shell script.
SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system"})


def shell_lines(raw: str) -> list[NotebookLine]:
    """The lines of the code cells that run in a shell, as shell text: `!pip install x`
    gives `pip install x`, `%pip install x` gives `pip install x`, and every line of a
    `%%bash`/`%%sh` cell is given as it is. A line ending in `\\` and the lines it
    continues onto stay together. Each keeps its raw-file line and cell number.

    Raises `NotebookError` when `raw` is not a notebook."""
    found: list[NotebookLine] = []
    current_cell = -1
    shell_cell = False
    continued = False
    for entry in walk(raw, outputs=False):
        if not entry.code:
            continue
        if entry.cell != current_cell:
            current_cell, continued = entry.cell, False
            magic = _CELL_MAGIC.match(entry.text)
            shell_cell = magic is not None and magic.group(1) in SHELL_CELL_MAGICS
            if magic is not None:
                continue  # the `%%bash` line itself
        text: str | None = None
        if shell_cell or continued:
            text = entry.text
        elif escape := _SHELL_ESCAPE.match(entry.text):
            text = entry.text[escape.end() :]
        elif package := _PACKAGE_MAGIC.match(entry.text):
            text = package.group(1) + entry.text[package.end() :]
        if text is not None:
            found.append(NotebookLine(entry.raw_line, entry.cell, text, code=True))
        continued = text is not None and not shell_cell and text.rstrip().endswith("\\")
    return found
