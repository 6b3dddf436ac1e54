"""The bandit hook end to end: `mlwarden scan --hook bandit`, the hook script, pre-commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlwarden.core.hooks import hook_names, load_hook
from tests.conftest import git, run_mlwarden

TRAIN = (
    "import torch\n"
    'model = torch.load("model.pt")\n'
    "# mlwarden: ignore[B614]\n"
    'teacher = torch.load("teacher.pt")\n'
    "params = eval(text)  # mlwarden: ignore[B614]\n"
)
NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Load the checkpoint\n"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["!pip install torch\n", "import torch\n", 'm = torch.load("x.pt")'],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ['w = torch.load("w.pt")  # mlwarden: ignore[B614]'],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.fixture()
def project(git_repo: Path) -> Path:
    (git_repo / "train.py").write_text(TRAIN)
    (git_repo / "explore.ipynb").write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
    (git_repo / "broken.py").write_text("def f(:\n")
    (git_repo / "README.md").write_text("torch.load is fine in prose\n")
    git(git_repo, "add", ".")
    return git_repo


def test_scan_text_output_and_exit_code(project: Path) -> None:
    result = run_mlwarden(project, "scan", "--hook", "bandit", "--no-progress")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "explore.ipynb:18:10: B614 [medium] cell 2: Use of unsafe PyTorch load; "
        "use `torch.load(..., weights_only=True)` or safetensors",
        "train.py:2:9: B614 [medium] Use of unsafe PyTorch load; "
        "use `torch.load(..., weights_only=True)` or safetensors",
        "train.py:5:10: B307 [medium] Use of possibly insecure function - consider using safer "
        "ast.literal_eval; parse literals with `ast.literal_eval` or use a real parser",
    ]
    assert "broken.py" in result.stderr and "syntax error at line 1" in result.stderr


def test_scan_json_keeps_bandit_ids_and_cells(project: Path) -> None:
    result = run_mlwarden(project, "scan", "--hook", "bandit", "--format", "json", "explore.ipynb")
    report = json.loads(result.stdout)
    assert [
        (f["rule_id"], f["path"], f["line"], f["member"], f["severity"], f["confidence"])
        for f in report["findings"]
    ] == [("B614", "explore.ipynb", 18, "cell 2", "medium", "high")]
    assert report["errors"] == []


def test_config_table_selects_tests(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.mlwarden.bandit]\ntests = ["B307"]\nmin-bandit-confidence = "high"\n'
    )
    result = run_mlwarden(project, "scan", "--hook", "bandit", "train.py")
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [
        ["train.py:5:10:", "B307"]
    ]
    (project / "pyproject.toml").write_text('[tool.mlwarden.bandit]\ntests = ["B999"]\n')
    bad = run_mlwarden(project, "scan", "--hook", "bandit", "train.py")
    assert bad.returncode == 2
    assert "tests: unknown bandit test 'B999'" in bad.stderr


def test_clean_files_exit_zero_silently(git_repo: Path) -> None:
    (git_repo / "ok.py").write_text('import torch\nm = torch.load("m.pt", weights_only=True)\n')
    result = run_mlwarden(git_repo, "scan", "--hook", "bandit", "ok.py")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_through_pre_commit(project: Path, tmp_path: Path) -> None:
    hook = {
        "id": "mlwarden-bandit",
        "name": "mlwarden bandit",
        "entry": f"{sys.executable} -m mlwarden.entrypoints bandit",
        "language": "system",
        "types_or": ["python", "jupyter"],
    }
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (project / ".pre-commit-config.yaml").write_text(json.dumps(config))
    git(project, "add", ".")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    result = subprocess.run(pre_commit, cwd=project, capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "explore.ipynb:18:10: B614 [medium] cell 2:" in result.stdout
    assert "train.py:2:9: B614 [medium]" in result.stdout
    assert "README.md" not in result.stdout


@pytest.mark.skipif("semgrep" not in hook_names(), reason="the semgrep hook is not built yet")
def test_semgrep_and_bandit_report_one_risk_once(project: Path) -> None:
    semgrep_rules = [r for r in load_hook("semgrep").rules() if "B614" in r.equivalents]
    if not semgrep_rules:
        pytest.skip("no semgrep rule declares B614 as its equivalent")
    result = run_mlwarden(
        project,
        *("scan", "--hook", "semgrep", "--hook", "bandit", "--format", "json"),
        *("train.py", "explore.ipynb"),
    )
    findings = [(f["path"], f["line"], f["rule_id"]) for f in json.loads(result.stdout)["findings"]]
    for path, line in (("train.py", 2), ("explore.ipynb", 18)):
        here = [rule_id for p, n, rule_id in findings if (p, n) == (path, line)]
        assert len(here) == 1 and here[0] != "B614", findings
