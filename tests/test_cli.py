from __future__ import annotations

from pathlib import Path

import yaml

from mlwarden import __version__
from tests.conftest import make_repo, run_mlwarden


def test_version(tmp_path: Path) -> None:
    result = run_mlwarden(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mlwarden {__version__}"


def test_explain_prints_the_documented_sections(tmp_path: Path) -> None:
    result = run_mlwarden(tmp_path, "explain", "MLW001")
    assert result.returncode == 0
    for section in (
        "## What it does",
        "## Why is this bad",
        "## Example",
        "## Use instead",
        "## References",
    ):
        assert section in result.stdout


def test_explain_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    result = run_mlwarden(tmp_path, "explain", "NOPE999")
    assert result.returncode == 2
    assert result.stderr.strip() == "mlwarden: unknown rule 'NOPE999'; `mlwarden rules` lists them"


def test_rules_lists_id_severity_hook_slug(tmp_path: Path) -> None:
    result = run_mlwarden(tmp_path, "rules")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split() == ["MLW001", "low", "core", "unused-suppression"]


def test_unknown_hook_is_a_usage_error(tmp_path: Path) -> None:
    result = run_mlwarden(tmp_path, "scan", "--hook", "nope", ".")
    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr


def test_init_creates_config_and_never_clobbers(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    first = run_mlwarden(repo, "init", "--repo-url", "https://example.com/mlwarden", "--rev", "v9")
    assert first.returncode == 0, first.stderr
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    assert config["repos"][0]["repo"] == "https://example.com/mlwarden"
    assert config["repos"][0]["rev"] == "v9"
    assert "[tool.mlwarden]" in (repo / "pyproject.toml").read_text()
    assert "next steps" in first.stdout
    before = (repo / ".pre-commit-config.yaml").read_text(), (repo / "pyproject.toml").read_text()
    second = run_mlwarden(repo, "init")
    assert second.returncode == 0
    assert "left unchanged" in second.stdout
    after = (repo / ".pre-commit-config.yaml").read_text(), (repo / "pyproject.toml").read_text()
    assert before == after
    # the commented table parses and configures nothing unexpected
    assert run_mlwarden(repo, "scan", "--hook", "nonexistent").returncode == 2


def test_init_appends_to_an_existing_repos_list(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    existing = (
        "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n"
        "    hooks:\n      - id: black\n"
    )
    (repo / ".pre-commit-config.yaml").write_text(existing)
    result = run_mlwarden(repo, "init")
    assert result.returncode == 0
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    assert config["repos"][0]["repo"] == "https://github.com/psf/black"
    assert len(config["repos"]) == 2
    assert (repo / ".mlwarden.toml").exists()


def test_clean_scan_is_silent_without_a_terminal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    digest = "0" * 64
    (repo / "requirements.txt").write_text(f"numpy==1.26.4 --hash=sha256:{digest}\n")
    (repo / "train.py").write_text("import numpy as np\n\nx = np.load('a.npy')\n")
    result = run_mlwarden(repo, "scan", "--hook", "pins", "--hook", "semgrep", ".")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_summary_table_only_on_a_terminal(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from tests.conftest import mlwarden_command

    if shutil.which("script") is None:
        import pytest

        pytest.skip("util-linux `script` is not installed")
    repo = make_repo(tmp_path / "repo")
    (repo / "requirements.txt").write_text("torch>=2\n")
    command = " ".join([*mlwarden_command(), "scan", "--hook", "pins", "."])
    tty = subprocess.run(
        ["script", "-qec", command, "/dev/null"], cwd=repo, capture_output=True, text=True
    )
    assert "requirements.txt:1:1: PIN001" in tty.stdout
    assert "1 files scanned" in tty.stdout
    piped = run_mlwarden(repo, "scan", "--hook", "pins", ".")
    assert piped.returncode == 1
    assert "files scanned" not in piped.stdout + piped.stderr


def test_report_unused_ignores(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "train.py").write_text(
        "import torch\n\n"
        "model = torch.load('a.pt')  # mlwarden: ignore[SG001]\n"
        "x = 1  # mlwarden: ignore[SG001]\n"
        "y = 2  # mlwarden: ignore[NOPE123]\n"
    )
    result = run_mlwarden(repo, "scan", "--hook", "semgrep", "--report-unused-ignores", "train.py")
    assert result.stdout.splitlines() == [
        "train.py:4:1: MLW001 [low] unused suppression for SG001; remove the comment",
        "train.py:5:1: MLW001 [low] suppression names unknown rule NOPE123; "
        "fix the id or remove it",
    ]
    assert result.returncode == 1
    quiet = run_mlwarden(repo, "scan", "--hook", "semgrep", "train.py")
    assert (quiet.returncode, quiet.stdout) == (0, "")
