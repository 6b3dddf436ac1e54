"""One notebook walker, two views: the code as Python (semgrep, bandit) and every cell's
text with its text outputs (secrets), both mapped to raw `.ipynb` lines and cells."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlwarden.core.notebook import NotebookError, code_view, shell_lines, text_view, walk


def notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def code(*lines: str, outputs: list[object] | None = None) -> dict[str, object]:
    source = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    return {"cell_type": "code", "source": source, "outputs": outputs or [], "metadata": {}}


def raw_line(raw: str, needle: str) -> int:
    return next(i for i, text in enumerate(raw.splitlines(), 1) if needle in text)


def test_each_code_line_maps_to_its_raw_line_and_cell() -> None:
    raw = notebook(
        [code("import torch", "m = torch.load('x.pt')"), code("%pip install x", "y = 1")]
    )
    view = code_view(raw)
    assert view.source.splitlines() == ["import torch", "m = torch.load('x.pt')", "pass", "y = 1"]
    assert view.raw_position(2) == (raw_line(raw, "torch.load"), 1)
    assert view.raw_position(4) == (raw_line(raw, "y = 1"), 2)
    column = view.raw_column(2, 5, raw.splitlines())
    assert raw.splitlines()[raw_line(raw, "torch.load") - 1][column - 1 :].startswith("torch.load")


def test_python_cell_magics_keep_their_cell_and_other_languages_blank_it() -> None:
    raw = notebook(
        [
            code("%%time", "m = torch.load(p)"),
            code("%%capture out", "obj = pickle.loads(b)"),
            code("%%bash", "rm -rf /tmp/x"),
            code("%timeit -n 3 torch.load(p)"),
        ]
    )
    view = code_view(raw)
    assert view.source.splitlines() == [
        "",
        "m = torch.load(p)",
        "",
        "obj = pickle.loads(b)",
        "",
        "",
        "torch.load(p)",
    ]
    assert [line.cell for line in view.lines] == [1, 1, 2, 2, 3, 3, 4]


def test_shell_continuations_and_captured_output_stay_out_of_python() -> None:
    raw = notebook(
        [code("!pip install \\", "    torch==2.10.0 \\", "    numpy", "files = !ls", "x = 1")]
    )
    view = code_view(raw)
    assert view.source.splitlines() == ["pass", "", "", "files = None", "x = 1"]
    compile(view.source, "nb", "exec")  # what bandit and semgrep parse


def test_text_view_has_sources_and_text_outputs_never_images() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["loaded\n", "token=abc\n"]},
        {
            "output_type": "display_data",
            "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]},
        },
        {
            "output_type": "error",
            "ename": "E",
            "evalue": "bad",
            "traceback": ["\x1b[31mTrace\x1b[0m"],
        },
    ]
    raw = notebook(
        [{"cell_type": "markdown", "source": ["# Title"]}, code("x = 1", outputs=outputs)]
    )
    view = text_view(raw)
    assert view.source.splitlines() == [
        "# Title",
        "",
        "x = 1",
        "loaded",
        "token=abc",
        "<Figure>",
        "bad",
        "Trace",
    ]
    assert "iVBOR" not in view.source
    assert view.origin(5).output and view.origin(5).cell == 2
    assert view.origin(5).raw_line == raw_line(raw, "token=abc")


def test_shell_lines_are_the_cells_commands() -> None:
    raw = notebook([code("!pip install torch", "x = 1"), code("%%bash", "pip install numpy")])
    assert [(line.cell, line.text) for line in shell_lines(raw)][:1] == [(1, "pip install torch")]
    assert any("pip install numpy" in line.text for line in shell_lines(raw))


def test_source_as_one_string_and_minified_json() -> None:
    raw = json.dumps({"cells": [{"cell_type": "code", "source": "a = 1\nb = 2", "outputs": []}]})
    view = code_view(raw)
    assert view.source.splitlines() == ["a = 1", "b = 2"]
    assert view.raw_position(2) == (1, 1)


def test_what_is_not_a_notebook_is_a_one_line_error() -> None:
    with pytest.raises(NotebookError, match="not valid notebook JSON"):
        walk('{"cells": [')
    with pytest.raises(NotebookError, match="no 'cells' list"):
        walk("[]")


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=8)
)
def test_every_line_maps_back_inside_the_file(lines: list[str]) -> None:
    raw = notebook([code(*(lines or [""]))])
    view = text_view(raw)
    total = len(raw.splitlines())
    for number in range(1, len(view.lines) + 1):
        line, cell = view.raw_position(number)
        assert 1 <= line <= total and cell == 1
