"""Notebooks: cell sources and text outputs are scanned, images never; raw-file lines."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from mlwarden.core.findings import HookResult
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import judge

F = Fakes(23)


def notebook(cells: list[dict[str, object]]) -> str:
    # Jupyter's own layout: indent=1, sorted keys, one source line per array element.
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def code(source: str, outputs: list[dict[str, object]] | None = None) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": outputs or [],
        "source": source.splitlines(keepends=True),
    }


def raw_line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def scan(root: Path, name: str, text: str) -> HookResult:
    (root / name).write_text(text, encoding="utf-8")
    return judge("secrets", root, (name,))


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_key_in_cell_source_reports_raw_line_and_cell(tmp_path: Path) -> None:
    token = F.token("hf")
    text = notebook(
        [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Train\n"]},
            code(f'import os\nos.environ["HF_TOKEN"] = "{token}"\n'),
        ]
    )
    result = scan(tmp_path, "train.ipynb", text)
    [finding] = result.findings
    assert (finding.rule_id, finding.location.line) == ("SEC001", raw_line_of(text, token))
    assert finding.location.member == "cell 2"
    assert "cell 2" in finding.message and token not in finding.message
    # The escaped quotes of the JSON line shift the column: it points at the key itself.
    raw = text.splitlines()[finding.location.line - 1]
    assert raw[finding.location.column - 1 :].startswith(token[:16])


def test_key_in_stream_and_plain_text_outputs(tmp_path: Path) -> None:
    wandb_key, groq_key = F.token("wandb"), F.token("groq")
    text = notebook(
        [
            code(
                "!cat ~/.netrc\n",
                [
                    {
                        "name": "stdout",
                        "output_type": "stream",
                        "text": [
                            "machine api.wandb.ai\n",
                            "  login user\n",
                            f"  password {wandb_key}\n",
                        ],
                    }
                ],
            ),
            code(
                "config\n",
                [
                    {
                        "output_type": "execute_result",
                        "execution_count": 2,
                        "metadata": {},
                        "data": {"text/plain": [f"{{'groq_api_key': '{groq_key}'}}"]},
                    }
                ],
            ),
        ]
    )
    result = scan(tmp_path, "nb.ipynb", text)
    got = [(f.rule_id, f.location.line, f.location.member) for f in result.findings]
    assert got == [
        ("SEC005", raw_line_of(text, wandb_key), "cell 1"),
        ("SEC008", raw_line_of(text, groq_key), "cell 2"),
    ]
    assert "cell 1 output" in result.findings[0].message


def test_image_outputs_are_never_scanned(tmp_path: Path) -> None:
    # Image data is skipped whole: even a key-shaped run with clean boundaries is ignored.
    png = base64.b64encode(b"\x89PNG" + bytes(range(256)) * 40).decode()
    png = png[:600] + "\n" + F.token("aws") + "\n" + png[600:]
    text = notebook(
        [
            code(
                "plt.plot(x)\n",
                [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "image/png": png,
                            "text/plain": ["<Figure size 640x480 with 1 Axes>"],
                        },
                    }
                ],
            )
        ]
    )
    result = scan(tmp_path, "plot.ipynb", text)
    assert result.findings == () and result.errors == ()


def test_pragma_and_escaped_quotes_inside_cells(tmp_path: Path) -> None:
    key, other = F.token("anthropic"), F.token("anthropic")
    text = notebook(
        [
            code(f'client = Anthropic(api_key="{key}")  # pragma: allowlist secret\n'),
            code(f'client = Anthropic(api_key="{other}")\n'),
        ]
    )
    result = scan(tmp_path, "a.ipynb", text)
    assert [(f.rule_id, f.location.member) for f in result.findings] == [("SEC003", "cell 2")]


def test_malformed_notebook_is_judged_as_text(tmp_path: Path) -> None:
    token = F.token("github")
    text = '{"cells": [{"source": ["token = \\"' + token + '\\"\\n"]\n'  # truncated JSON
    result = scan(tmp_path, "broken.ipynb", text)
    assert [(f.rule_id, f.location.line) for f in result.findings] == [("SEC019", 1)]
    assert result.errors == ()


def test_cli_ignore_comment_inside_a_notebook_and_json_report(tmp_path: Path) -> None:
    import json as _json

    from tests.conftest import git, make_repo, run_mlwarden

    repo = make_repo(tmp_path / "nbrepo")
    kept, ignored = F.token("hf"), F.token("hf")
    text = notebook(
        [
            code(f'a = "{ignored}"  # mlwarden: ignore[SEC001]\n'),
            code(f'# mlwarden: ignore[SEC002]\nb = "{kept}"\n'),
        ]
    )
    (repo / "nb.ipynb").write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    done = run_mlwarden(repo, "scan", "--hook", "secrets", "--format", "json")
    assert done.returncode == 1, done.stderr
    report = _json.loads(done.stdout)
    got = [(f["rule_id"], f["path"], f["line"], f["member"]) for f in report["findings"]]
    assert got == [("SEC001", "nb.ipynb", raw_line_of(text, kept), "cell 2")]
    assert kept not in done.stdout and ignored not in done.stdout


def test_traceback_with_ansi_colours(tmp_path: Path) -> None:
    key = F.token("xai")
    text = notebook(
        [
            code(
                "connect()\n",
                [
                    {
                        "output_type": "error",
                        "ename": "AuthError",
                        "evalue": "bad key",
                        "traceback": [
                            "\x1b[0;31mAuthError\x1b[0m: rejected \x1b[1m" + key + "\x1b[0m"
                        ],
                    }
                ],
            )
        ]
    )
    result = scan(tmp_path, "err.ipynb", text)
    assert [(f.rule_id, f.location.member) for f in result.findings] == [("SEC015", "cell 1")]
