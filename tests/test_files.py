from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlwarden.core.files import (
    NotebookError,
    Skipped,
    is_excluded,
    notebook_cell_lines,
    notebook_code_view,
    read_text,
    walk,
)


def notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def code(*lines: str) -> dict[str, object]:
    source = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    return {"cell_type": "code", "source": source, "outputs": [], "metadata": {}}


def test_notebook_view_maps_each_code_line_to_its_raw_line() -> None:
    raw = notebook(
        [code("import torch", "m = torch.load('x.pt')"), code("%pip install x", "!ls", "y = 1")]
    )
    view = notebook_code_view(raw)
    view_lines = view.source.splitlines()
    assert view_lines == ["import torch", "m = torch.load('x.pt')", "pass", "pass", "y = 1"]
    raw_lines = raw.splitlines()
    raw_line, cell = view.raw_position(2)
    assert cell == 1
    assert "torch.load" in raw_lines[raw_line - 1]
    raw_line, cell = view.raw_position(5)
    assert cell == 2
    assert "y = 1" in raw_lines[raw_line - 1]


def test_cell_magic_blanks_the_whole_cell_and_markdown_is_skipped() -> None:
    raw = notebook(
        [
            {"cell_type": "markdown", "source": ["# Title\n", "eval(x)"], "metadata": {}},
            code("%%bash", "rm -rf /tmp/x"),
            code("import os"),
        ]
    )
    view = notebook_code_view(raw)
    assert view.source.splitlines() == ["", "", "import os"]
    assert [e.cell for e in view.lines] == [2, 2, 3]
    all_lines = notebook_cell_lines(raw, code_only=False)
    assert [e.text for e in all_lines][:2] == ["# Title", "eval(x)"]


def test_source_as_single_string_and_minified_json() -> None:
    raw = json.dumps({"cells": [{"cell_type": "code", "source": "a = 1\nb = 2", "outputs": []}]})
    view = notebook_code_view(raw)
    assert view.source.splitlines() == ["a = 1", "b = 2"]
    assert view.raw_position(2) == (1, 1)


def test_malformed_notebook_raises_a_one_line_error() -> None:
    with pytest.raises(NotebookError, match="not valid notebook JSON"):
        notebook_code_view('{"cells": [')
    with pytest.raises(NotebookError, match="no 'cells' list"):
        notebook_code_view("[]")


def test_binary_invalid_utf8_big_and_symlinks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bin.dat").write_bytes(b"\x00\x01\x02")
    Path("latin.txt").write_bytes(b"caf\xe9 key\n")
    Path("big.txt").write_text("x" * 2000)
    Path("inside.txt").write_text("ok")
    os.symlink("inside.txt", "link.txt")
    os.symlink("/etc/passwd", "escape.txt")
    with pytest.raises(Skipped) as binary:
        read_text("bin.dat", max_bytes=1000)
    assert binary.value.quiet
    text = read_text("latin.txt", max_bytes=1000)
    assert text.had_decode_errors and "key" in text.text
    with pytest.raises(Skipped, match="over max-file-size"):
        read_text("big.txt", max_bytes=1000)
    with pytest.raises(Skipped) as inner:
        read_text("link.txt", max_bytes=1000, root=tmp_path)
    assert inner.value.quiet
    with pytest.raises(Skipped, match="leaves the repository") as outer:
        read_text("escape.txt", max_bytes=1000, root=tmp_path)
    assert not outer.value.quiet


def test_walk_skips_git_and_exclude_globs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [".git/config", "src/a.py", "tests/fixtures/key.env", "nb/x.ipynb"]:
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("x")
    assert sorted(walk(["."])) == ["nb/x.ipynb", "src/a.py", "tests/fixtures/key.env"]
    assert is_excluded("tests/fixtures/key.env", ["tests/fixtures/**"])
    assert is_excluded("tests/fixtures/key.env", ["tests/"])
    assert is_excluded("nb/x.ipynb", ["*.ipynb"])
    assert not is_excluded("src/a.py", ["tests/**", "*.ipynb"])
