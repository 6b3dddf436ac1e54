"""The layering is kept by import-linter's contracts in pyproject.toml: dependencies
point down (entry points -> commands -> checks | report -> core) and hooks never import
each other. The second test plants violations to prove the contracts can fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )


def test_the_contracts_are_kept() -> None:
    done = lint(REPO_ROOT, REPO_ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_a_planted_violation_breaks_them(tmp_path: Path) -> None:
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO_ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.pyc"))
    package = tmp_path / "src" / "mlwarden"
    with (package / "core" / "findings.py").open("a") as f:
        f.write("\nfrom mlwarden.report import text as _upward  # noqa\n")
    with (package / "checks" / "secrets" / "report.py").open("a") as f:
        f.write("\nimport mlwarden.checks.pins as _sideways  # noqa\n")
    done = lint(tmp_path, tmp_path / "src")
    assert done.returncode == 1, done.stdout
    assert "Dependencies point down BROKEN" in done.stdout
    assert "Hooks do not import each other (what two share belongs in core) BROKEN" in done.stdout
    assert "mlwarden.core.findings -> mlwarden.report.text" in done.stdout
