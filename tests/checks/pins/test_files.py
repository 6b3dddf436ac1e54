"""pyproject.toml + locks, conda, Dockerfiles, workflows, pre-commit: positives and near misses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlwarden.checks.pins import Options
from mlwarden.core.findings import Severity
from tests.checks.pins.test_helpers import hits, scan

SHA = "3f1c2e0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
DIGEST = "sha256:" + "0" * 64

PYPROJECT = """\
[project]
name = "app"
dependencies = [
    "torch>=2.1",
    "pandas>=2.2,<3",
    "numpy==1.26.4",
    "pywin32; sys_platform == 'win32'",
    "app[extra]",
]

[project.optional-dependencies]
dev = ["pytest>=8"]
"""

UV_LOCK = """\
version = 1
[[package]]
name = "torch"
version = "2.10.0"
[[package]]
name = "pandas"
version = "2.1.4"
[[package]]
name = "numpy"
version = "1.26.4"
"""


def test_ranges_without_lock_are_pin009(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, {"pyproject.toml": PYPROJECT})
    assert hits(result) == [("PIN009", "pyproject.toml", 4)]
    assert "uv lock" in result.findings[0].message


def test_exact_pins_need_no_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '[project]\nname = "app"\ndependencies = ["numpy==1.26.4"]\n'
    assert hits(scan(tmp_path, monkeypatch, {"pyproject.toml": text})) == []


def test_stale_and_missing_lock_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK})
    assert hits(result) == [
        ("PIN010", "pyproject.toml", 5),  # pandas locked at 2.1.4
        ("PIN010", "pyproject.toml", 12),  # pytest missing
    ]
    assert "2.1.4" in result.findings[0].message


def test_lock_alone_triggers_its_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pyproject.toml": PYPROJECT, "uv.lock": UV_LOCK}
    result = scan(tmp_path, monkeypatch, files, only=("uv.lock",))
    assert [h[0] for h in hits(result)] == ["PIN010", "PIN010"]


def test_fresh_poetry_and_pipfile_locks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '[project]\nname = "app"\ndependencies = ["torch>=2.1", "requests>=2"]\n'
    poetry = (
        '[[package]]\nname = "torch"\nversion = "2.10.0"\n'
        '[[package]]\nname = "Requests"\nversion = "2.32.3"\n'
    )
    result = scan(tmp_path, monkeypatch, {"a/pyproject.toml": text, "a/poetry.lock": poetry})
    assert hits(result) == []
    pipfile = {
        "default": {"torch": {"version": "==2.10.0"}},
        "develop": {"requests": {"version": "==1.0"}},
    }
    files = {"b/pyproject.toml": text, "b/Pipfile.lock": json.dumps(pipfile)}
    assert hits(scan(tmp_path, monkeypatch, files)) == [("PIN010", "b/pyproject.toml", 3)]


def test_workspace_lock_in_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '[project]\nname = "member"\ndependencies = ["torch>=2.1"]\n'
    files = {"packages/member/pyproject.toml": text, "uv.lock": UV_LOCK}
    assert hits(scan(tmp_path, monkeypatch, files, only=("packages/member/pyproject.toml",))) == []


def test_pyproject_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"""\
[project]
name = "app"
dependencies = ["numpy==1.26.4", "transfomers==4.44.2"]

[tool.uv]
index-strategy = "unsafe-best-match"
extra-index-url = ["https://download.pytorch.org/whl/cu121"]
allow-insecure-host = ["pypi.internal"]

[[tool.uv.index]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cu124"
explicit = true

[[tool.uv.index]]
name = "corp"
url = "https://tok:s3cr3t@pypi.corp/simple"

[tool.uv.sources]
mylib = {{ git = "https://github.com/org/mylib", branch = "main" }}
other = {{ git = "https://github.com/org/other", rev = "{SHA}" }}

[[tool.poetry.source]]
name = "internal"
url = "https://pypi.internal.example/simple"
priority = "supplemental"

[[tool.poetry.source]]
name = "private"
url = "https://private.example/simple"
priority = "explicit"

[[tool.pdm.source]]
name = "mirror"
url = "http://mirror.example/simple"
verify_ssl = false
"""
    result = scan(tmp_path, monkeypatch, {"pyproject.toml": text})
    assert hits(result) == [
        ("PIN019", "pyproject.toml", 3),
        ("PIN011", "pyproject.toml", 6),
        ("PIN003", "pyproject.toml", 7),
        ("PIN004", "pyproject.toml", 8),
        ("PIN003", "pyproject.toml", 17),
        ("PIN005", "pyproject.toml", 17),
        ("PIN006", "pyproject.toml", 20),
        ("PIN003", "pyproject.toml", 25),
        ("PIN003", "pyproject.toml", 35),
        ("PIN004", "pyproject.toml", 35),
        ("PIN004", "pyproject.toml", 36),
    ]


def test_allowed_index_and_safe_strategy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        '[tool.uv]\nindex-strategy = "first-index"\n'
        'extra-index-url = ["https://download.pytorch.org/whl/cu121"]\n'
    )
    options = Options(allowed_indexes=("https://download.pytorch.org/whl",))
    assert hits(scan(tmp_path, monkeypatch, {"pyproject.toml": text}, options)) == []


def test_malformed_toml_and_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pyproject.toml": "[project\nname=",
        "b/pyproject.toml": '[project]\nname = "b"\ndependencies = ["torch>=2"]\n',
        "b/uv.lock": "[[package]\n",
    }
    result = scan(tmp_path, monkeypatch, files)
    errors = sorted(e.path for e in result.errors)
    assert errors == ["b/uv.lock", "pyproject.toml"]
    assert all("\n" not in e.message for e in result.errors)


ENV = """\
name: ml
channels:
  - conda-forge
  - some-user
  - https://conda.anaconda.org/pytorch
dependencies:
  - python=3.11
  - numpy=1.26.4
  - pytorch::pytorch==2.4.1
  - pandas>=2
  - cudatoolkit 11.8.0 h37601d7_11
  - badchan::thing=1.0.0=h123
  - scipy[version='1.14.1']
  - pip:
      - transformers==4.44.2
      - accelerate
      - --extra-index-url https://download.pytorch.org/whl/cu121
      - -r requirements-extra.txt
"""


def test_conda_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"environment.yml": ENV, "requirements-extra.txt": "tqdm\n"}
    result = scan(tmp_path, monkeypatch, files, only=("environment.yml",))
    assert hits(result) == [
        ("PIN012", "environment.yml", 4),
        ("PIN013", "environment.yml", 7),
        ("PIN013", "environment.yml", 10),
        ("PIN012", "environment.yml", 12),
        ("PIN001", "environment.yml", 16),
        ("PIN003", "environment.yml", 17),
        ("PIN001", "requirements-extra.txt", 1),
        ("PIN002", "requirements-extra.txt", 1),
    ]


def test_conda_allowed_channels_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "channels:\n  - my-corp\n  - nodefaults\ndependencies:\n  - numpy==1.26\n"
    options = Options(allowed_channels=("my-corp",))
    assert hits(scan(tmp_path, monkeypatch, {"environment.yaml": text}, options)) == []


def test_malformed_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "environment.yml": "channels: [a\n",
        ".github/workflows/ci.yml": "jobs:\n  x: {\n",
        ".pre-commit-config.yaml": "repos:\n\t- bad",
    }
    result = scan(tmp_path, monkeypatch, files)
    assert sorted(e.path for e in result.errors) == sorted(files)
    assert all(e.message.startswith("invalid YAML") for e in result.errors)


DOCKERFILE = f"""\
# syntax=docker/dockerfile:1
FROM python:3.11-slim AS builder
FROM builder
FROM --platform=linux/amd64 nvidia/cuda:12.1.0-runtime-ubuntu22.04@{DIGEST}
ARG BASE=python:3.11
FROM ${{BASE}}
FROM scratch
RUN apt-get update && apt-get install -y curl \\
    && pip install --no-cache-dir \\
        torch==2.4.1 \\
        transformers \\
    && curl -fsSL https://example.com/install.sh | bash
RUN pip install -r requirements.txt && pip install -e . && pip install "numpy==1.26.4"
RUN python -m pip install --extra-index-url https://download.pytorch.org/whl torch==2.4.1
RUN ["pip", "install", "requests"]
RUN sh -c "$(curl -fsSL https://x.example/i.sh)"
RUN curl -fsSLo /tmp/x.sh https://example.com/x.sh && sha256sum -c x.sha256
ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu121 PYTHONUNBUFFERED=1
ENV PIP_INDEX_URL https://pypi.corp.example/simple
ARG PIP_TRUSTED_HOST=pypi.corp.example
ENV UV_INDEX_STRATEGY=unsafe-best-match PIP_EXTRA_INDEX_URL=${{EXTRA}}
"""


def test_dockerfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, {"docker/Dockerfile.gpu": DOCKERFILE})
    path = "docker/Dockerfile.gpu"
    assert hits(result) == [
        ("PIN014", path, 2),
        ("PIN015", path, 11),
        ("PIN016", path, 12),
        ("PIN003", path, 14),
        ("PIN015", path, 15),
        ("PIN016", path, 16),
        ("PIN003", path, 18),
        ("PIN004", path, 20),
        ("PIN011", path, 21),
    ]


WORKFLOW = f"""\
name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@{SHA} # v5.3.0
      - uses: ./.github/actions/local
      - uses: docker://alpine:3.20
      - uses: my-org/reusable/.github/workflows/x.yml@main
      - run: |
          python -m pip install -r requirements.txt
          pip install ruff==0.6.9 \\
            pytest
      - run: pip install numpy==1.26.4
"""


def test_workflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ".github/workflows/ci.yml"
    result = scan(tmp_path, monkeypatch, {path: WORKFLOW})
    assert hits(result) == [
        ("PIN017", path, 7),
        ("PIN017", path, 10),
        ("PIN017", path, 11),
        ("PIN015", path, 15),
    ]
    options = Options(allowed_action_owners=("actions", "my-org"))
    result = scan(tmp_path, monkeypatch, {path: WORKFLOW}, options)
    assert hits(result) == [("PIN017", path, 10), ("PIN015", path, 15)]


def test_composite_action(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "runs:\n  using: composite\n  steps:\n    - uses: org/tool@v1\n"
    path = ".github/actions/setup/action.yml"
    assert hits(scan(tmp_path, monkeypatch, {path: text})) == [("PIN017", path, 4)]


PRECOMMIT = f"""\
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
  - repo: https://github.com/psf/black
    rev: main
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: {SHA}
  - repo: https://github.com/org/hooks
    rev: HEAD
  - repo: local
    hooks:
      - id: mypy
        name: mypy
        entry: mypy
        language: python
        additional_dependencies:
          - types-requests
          - types-PyYAML==6.0.12
          - transfomers==4.44.2
      - id: fmt
        name: prettier
        entry: prettier
        language: node
        additional_dependencies: ["prettier@3.3.3"]
      - id: x
        name: x
        entry: x
        language: system
        additional_dependencies: ["@scope/pkg@1.0.0", "not a requirement !!"]
"""


def test_precommit_revs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, {".pre-commit-config.yaml": PRECOMMIT})
    assert hits(result) == [
        ("PIN018", ".pre-commit-config.yaml", 5),
        ("PIN018", ".pre-commit-config.yaml", 9),
        ("PIN001", ".pre-commit-config.yaml", 17),
        ("PIN019", ".pre-commit-config.yaml", 19),
    ]
    assert result.findings[2].severity is Severity.LOW
    assert result.errors == ()
    options = Options(precommit_require_sha=True)
    result = scan(tmp_path, monkeypatch, {".pre-commit-config.yaml": PRECOMMIT}, options)
    assert [h[2] for h in hits(result) if h[0] == "PIN018"] == [3, 5, 9]


def test_unrelated_files_are_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"train.py": "import torch\n", "config.yaml": "a: [\n", "notes.txt": "numpy\n"}
    result = scan(tmp_path, monkeypatch, files)
    assert hits(result) == [] and result.errors == ()


def test_hostile_inputs_are_errors_not_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 8)}]\n" for i in range(8)
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "b/pyproject.toml": '[project]\nname = "b"\ndependencies = ["torch>=2"]\n',
        "b/Pipfile.lock": "[" * 100_000 + "]" * 100_000,
        ".github/workflows/bomb.yml": bomb + "jobs: *i\n",
        ".github/workflows/deep.yml": "a: " + "[" * 20_000 + "]" * 20_000 + "\n",
        "environment.yml": "dependencies:\n  - !!python/object/apply:os.system ['echo x']\n",
        "requirements.txt": "x" * 200_000 + "==1.0\n",
    }
    result = scan(tmp_path, monkeypatch, files)
    assert sorted(e.path for e in result.errors) == [
        ".github/workflows/deep.yml",
        "b/Pipfile.lock",
        "pyproject.toml",
    ]
    assert all("\n" not in e.message and len(e.message) < 200 for e in result.errors)
    assert all(len(f.message) < 400 for f in result.findings)
