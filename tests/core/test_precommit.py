"""The repository's pre-commit config, read with pre-commit's own validator: which
mlwarden hooks run beside each other, and what `mlwarden scan` warns about."""

from __future__ import annotations

import json
from pathlib import Path

from mlwarden.core.precommit import companions, problems
from tests.conftest import local_pre_commit_config, make_repo, run_mlwarden


def test_companions_are_the_configured_hooks_minus_skip(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert companions(repo, {}) is None  # no config: nothing to tell
    (repo / ".pre-commit-config.yaml").write_text(local_pre_commit_config(["semgrep", "bandit"]))
    assert companions(repo, {}) == frozenset({"semgrep", "bandit"})
    assert companions(repo, {"SKIP": "mlwarden-semgrep"}) == frozenset({"bandit"})
    (repo / ".pre-commit-config.yaml").write_text("repos: [\n")
    assert companions(repo, {}) is None


def test_scan_warns_about_a_config_that_would_not_run_mlwarden(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "a.py").write_text("x = 1\n")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n"
        "  - {id: mlwarden-secret, name: s, entry: s, language: system}\n"
        "  - {id: mlwarden-pins, name: p, entry: p, language: system, stages: [manual]}\n"
    )
    assert problems(repo) == [
        ".pre-commit-config.yaml: hook id 'mlwarden-secret' is not an mlwarden hook",
        ".pre-commit-config.yaml: mlwarden-pins runs only at manual, never at commit or push",
    ]
    done = run_mlwarden(repo, "scan", "--hook", "secrets", "--format", "json")
    assert json.loads(done.stdout)["notices"] == problems(repo)
    (repo / ".pre-commit-config.yaml").write_text("repos: [\n")
    (notice,) = problems(repo)
    assert notice.startswith(".pre-commit-config.yaml is invalid, so pre-commit runs no hook")


def test_a_scan_that_judged_nothing_says_why(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".mlwarden.toml").write_text('exclude = ["**"]\n')
    (repo / "a.py").write_text("x = 1\n")
    done = run_mlwarden(repo, "scan", "--hook", "secrets", "a.py")
    assert done.returncode == 0
    assert done.stderr == (
        "mlwarden: no file was judged: all 1 were excluded (.mlwarden.toml: '**')\n"
    )
