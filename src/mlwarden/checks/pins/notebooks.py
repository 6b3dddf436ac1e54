"""Installs inside notebooks: `!pip install`, `%pip install`, `%%bash` cells.

A notebook that installs packages when it runs is a requirements file nobody reads: the
same checks as a Dockerfile `RUN` (unpinned installs PIN015, extra indexes PIN003, uv's
unsafe index strategy PIN011, typosquats) apply to its shell lines, which
`core.notebook.shell_lines` gives with their raw-file line and cell. Findings land on the
raw `.ipynb` line and name the cell ("cell 3": the third cell a notebook editor shows,
markdown cells included).
"""

from __future__ import annotations

from mlwarden.checks.pins.common import NAME
from mlwarden.checks.pins.shell import check_shell
from mlwarden.checks.pins.specs import SpecChecker
from mlwarden.core import failclosed, notebook
from mlwarden.core.sources import Skipped, Snapshot


def scan(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> None:
    # A notebook is bounded by its commands, not by its plots: read it whole (as the
    # secrets hook does) and apply max-file-size to the shell lines it holds.
    source = specs.sink.source(path)
    if source is None:
        return
    try:
        text = source.read_text().text
    except Skipped:
        return
    try:
        lines = notebook.shell_lines(text)
    except notebook.NotebookError:
        return  # not notebook JSON: no cell a kernel could run
    size = sum(len(line.text) + 1 for line in lines)
    if size > max_bytes:
        specs.sink.findings.append(failclosed.too_large(source, size, max_bytes, NAME))
        return
    cells = specs.sink.cells.setdefault(path, {})
    by_cell: dict[int, list[tuple[int, str]]] = {}
    for line in lines:
        cells.setdefault(line.raw_line, line.cell)
        by_cell.setdefault(line.cell, []).append((line.raw_line, line.text))
    for shell in by_cell.values():
        check_shell(specs, path, shell)
