"""Shell text the pins hook reads (issue 16): workflow expressions, uv's index strategy on
command lines, packages that add an index, FROM built from ARGs, CI self-installs, and the
install lines of notebooks. Each class: a true positive and its near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks import pins
from mlwarden.checks.pins import notebooks
from mlwarden.checks.pins.common import Options, Sink
from mlwarden.checks.pins.rules import RULES
from mlwarden.checks.pins.specs import SpecChecker
from mlwarden.checks.pins.typosquat import NameChecker
from mlwarden.core.sources import Kind, Snapshot
from tests.checks.pins.test_helpers import hits, scan
from tests.conftest import jupyter_notebook, write_files

WF = ".github/workflows/ci.yml"
DIGEST = "sha256:" + "0" * 64


def test_workflow_expressions_are_one_word_not_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "on: push\njobs:\n  t:\n    steps:\n"
        "      - run: pip install torch==${{ matrix.torch-version }} numpy==1.26.4\n"  # 5
        '      - run: pip install "jax[${{ matrix.backend }}]==0.4.30" pytest\n'  # 6
        "      - run: uv python install ${{ matrix.python-version }}\n"  # 7
    )
    # Only `pytest` (line 6) is an unpinned package; the expressions are not.
    assert hits(scan(tmp_path, monkeypatch, {WF: text})) == [("PIN015", WF, 6)]


WORKFLOW_STRATEGY = """\
on: push
env:
  UV_INDEX_STRATEGY: unsafe-best-match
  PIP_EXTRA_INDEX_URL: https://download.pytorch.org/whl/cpu
jobs:
  t:
    env:
      UV_INDEX_STRATEGY: ${{ matrix.strategy }}
    steps:
      - run: |
          uv pip install --system -r requirements.txt \\
            --index-strategy unsafe-best-match
          uv sync --index-strategy=unsafe-first-match
          uv pip install --system -r requirements.txt --index-strategy first-index
"""


def test_unsafe_index_strategy_on_command_lines_and_in_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, {WF: WORKFLOW_STRATEGY})
    assert hits(result) == [
        ("PIN011", WF, 3),
        ("PIN003", WF, 4),
        ("PIN011", WF, 12),  # the physical line that shows the option
        ("PIN011", WF, 13),
    ]
    assert "`--index-strategy unsafe-best-match`" in result.findings[2].message


DOCKER_STRATEGY = """\
FROM python@{digest}
RUN uv pip install --system --no-cache -r requirements.txt \\
    onnx==1.17.0 \\
    --extra-index-url https://download.pytorch.org/whl/cpu \\
    --index-strategy unsafe-best-match
RUN uv pip install --system -r requirements.txt
"""


def test_unsafe_index_strategy_in_a_multi_line_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DOCKER_STRATEGY.format(digest=DIGEST)
    assert hits(scan(tmp_path, monkeypatch, {"Dockerfile": text})) == [
        ("PIN003", "Dockerfile", 4),
        ("PIN011", "Dockerfile", 5),
    ]


def test_packages_that_add_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, str | bytes] = {
        "Dockerfile": f"FROM python@{DIGEST}\nRUN pip install nvidia-pyindex==1.0.9 && \\\n"
        "    pip install nvidia-tensorrt==8.4.3.1\n",
        WF: "on: push\njobs:\n  t:\n    steps:\n      - run: pip install nvidia-pyindex\n",
        "requirements.txt": "nvidia-pyindex==1.0.9\nnvidia-cudnn-cu12==9.1.0.70\n",
    }
    assert hits(scan(tmp_path, monkeypatch, files)) == [
        ("PIN003", WF, 5),
        ("PIN015", WF, 5),
        ("PIN003", "Dockerfile", 2),
        ("PIN002", "requirements.txt", 1),
        ("PIN003", "requirements.txt", 1),
    ]
    allowed = Options(allowed_indexes=("https://pypi.ngc.nvidia.com",))
    result = scan(tmp_path, monkeypatch, files, allowed)
    assert [h for h in hits(result) if h[0] == "PIN003"] == []


FROM_ARGS = """\
ARG BASE=nvcr.io/nvidia/pytorch
ARG TAG=24.05-py3
ARG PINNED=python:3.12-slim@{digest}
ARG CHOSEN_BY_CI
FROM ${{BASE}}:${{TAG}} AS build
FROM ${{PINNED}}
FROM ${{CHOSEN_BY_CI}}
FROM python:${{PY:-3.12}}-slim
ARG LATE=ubuntu:24.04
FROM ${{LATE}}
FROM build
"""


def test_from_built_from_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = FROM_ARGS.format(digest=DIGEST)
    result = scan(tmp_path, monkeypatch, {"Dockerfile": text})
    # The defaults decide lines 5 and 8; a digest default (6), an ARG without default (7),
    # a stage-scoped ARG a later FROM cannot see (10) and a stage name (11) are near misses.
    assert hits(result) == [("PIN014", "Dockerfile", 5), ("PIN014", "Dockerfile", 8)]
    assert "`${BASE}:${TAG}` (= `nvcr.io/nvidia/pytorch:24.05-py3`" in result.findings[0].message


def test_ci_installing_the_commit_under_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = (
        "name: test\ndependencies:\n  - python=3.11.9\n  - pip:\n"
        "    - mlserver @ git+${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}.git@${GITHUB_REF}\n"
        "    - tools @ git+https://github.com/org/tools.git@main\n"
    )
    assert hits(scan(tmp_path, monkeypatch, {"environment.yml": env})) == [
        ("PIN006", "environment.yml", 6)
    ]


NOTEBOOK_CELLS: tuple[tuple[str, list[str]], ...] = (
    ("markdown", ["# Setup\n", "!pip install not-code\n"]),
    ("code", ["%pip install -q transformers\n", "import torch\n"]),
    ("code", ["!pip install -U \\\n", "    accelerate==1.2.1 \\\n", "    datasets\n"]),
    ("code", ["%%capture\n", "!pip install peft==0.14.0\n"]),
    ("code", ["%%bash\n", "pip install --extra-index-url https://example.com/simple trl\n"]),
    ("code", ["x = 1  # !pip install in a comment is Python\n"]),
)


def _raw_line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_notebook_installs_land_on_their_raw_line_and_cell(tmp_path: Path) -> None:
    text = jupyter_notebook(*NOTEBOOK_CELLS)
    write_files(tmp_path, {"setup.ipynb": text})
    sink = Sink({rule.id: rule for rule in RULES}, Snapshot(tmp_path, Kind.WORKTREE, None))
    specs = SpecChecker(sink, Options(), NameChecker.load())
    notebooks.scan("setup.ipynb", sink.files, 1 << 20, specs)
    found = [(f.rule_id, f.location.line, f.location.member) for f in sink.findings]
    assert found == [
        ("PIN015", _raw_line(text, "%pip install -q transformers"), "cell 2"),
        ("PIN015", _raw_line(text, '"    datasets'), "cell 3"),
        ("PIN003", _raw_line(text, "--extra-index-url"), "cell 5"),
        ("PIN015", _raw_line(text, "--extra-index-url"), "cell 5"),
    ]
    assert sink.findings[0].message.startswith("cell 2: `transformers` is not pinned")


@pytest.mark.skipif(
    pins.classify("setup.ipynb") is None,
    reason="pins/__init__.py does not route notebooks to checks/pins/notebooks.py yet",
)
def test_notebooks_through_the_hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = jupyter_notebook(*NOTEBOOK_CELLS)
    result = scan(tmp_path, monkeypatch, {"setup.ipynb": text})
    assert [h[0] for h in hits(result)] == ["PIN015", "PIN015", "PIN003", "PIN015"]


def test_each_package_of_a_multi_line_run_lands_on_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        f"FROM python@{DIGEST}\n"
        "RUN pip install --no-cache-dir \\\n"
        "        torchvision==0.19.1 \\\n"
        "        torch \\\n"
        "    && echo done\n"
    )
    result = scan(tmp_path, monkeypatch, {"Dockerfile": text})
    assert hits(result) == [("PIN015", "Dockerfile", 4)]
    assert "`torch` is not pinned" in result.findings[0].message


def test_joined_short_flags_and_shell_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "on: push\njobs:\n  t:\n    steps:\n"
        "      - run: pip install -qr requirements.txt  # install the pinned set\n"  # 5
        "      - run: pip install -Uq fastkaggle  # the helper\n"  # 6
    )
    result = scan(tmp_path, monkeypatch, {WF: text, "requirements.txt": "numpy==1.26.4\n"})
    assert [h for h in hits(result) if h[1] == WF] == [("PIN015", WF, 6)]
    assert (
        "`fastkaggle` is not pinned"
        in next(f for f in result.findings if f.location.path == WF).message
    )


def test_a_pipe_to_shell_split_over_lines_lands_on_the_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        f"FROM python@{DIGEST}\n"
        "RUN apt-get update && \\\n"
        "    curl -fsSL https://example.com/install.sh \\\n"
        "    | bash\n"
    )
    assert hits(scan(tmp_path, monkeypatch, {"Dockerfile": text})) == [("PIN016", "Dockerfile", 3)]
