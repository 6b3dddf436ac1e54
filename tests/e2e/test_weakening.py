"""No commit can exclude, disable or filter its own review: a commit that weakens
mlwarden's configuration in any way and adds a key fails, through the real pre-commit
framework and through `hooks/pre-commit` (`mlwarden install`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import git, local_pre_commit_config, make_repo

F = Fakes(83)
GUARD = ".pre-commit-config.yaml"


def commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(home)}
    env.update(PRE_COMMIT_HOME=str(home / "pc"), SEMGREP_ENABLE_VERSION_CHECK="0")
    env.update(MLWARDEN_PYTHON=sys.executable)
    return subprocess.run(
        ["git", "commit", "-q", "-m", "change"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture()
def guarded(tmp_path: Path) -> Path:
    """A repository on a topic branch whose last commit installed mlwarden's hooks."""
    repo = make_repo(tmp_path / "repo")
    (repo / GUARD).write_text(local_pre_commit_config())
    (repo / ".mlwarden.toml").write_text("[config-guard]\nzizmor = false\n")
    (repo / "app.py").write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "guarded")
    git(repo, "switch", "-q", "-c", "topic")
    exe = Path(sys.executable).parent / "pre-commit"
    subprocess.run(
        [str(exe), "install"],
        cwd=repo,
        check=True,
        capture_output=True,
        env={"PRE_COMMIT_HOME": str(tmp_path / "pc"), "PATH": "/usr/bin:/bin"},
    )
    return repo


def weaken_precommit(repo: Path, key: str, value: object) -> None:
    config = yaml.safe_load((repo / GUARD).read_text())
    for hook in config["repos"][0]["hooks"]:
        if hook["id"] == "mlwarden-secrets":
            hook[key] = value
    (repo / GUARD).write_text(yaml.safe_dump(config, sort_keys=False))


WEAKENINGS = {
    "exclude everything": lambda r: (r / ".mlwarden.toml").write_text(
        'exclude = ["**"]\n[config-guard]\nzizmor = false\n'
    ),
    "disable the rule and the review": lambda r: (r / ".mlwarden.toml").write_text(
        'disable = ["SEC001", "CFG014"]\n[config-guard]\nzizmor = false\n'
    ),
    "raise min-severity": lambda r: (r / ".mlwarden.toml").write_text(
        'min-severity = "critical"\n[config-guard]\nzizmor = false\n'
    ),
    "a hook's own exclude": lambda r: (r / ".mlwarden.toml").write_text(
        '[secrets]\nexclude = ["**"]\n[config-guard]\nzizmor = false\n'
    ),
    "downgrade errors": lambda r: (r / ".mlwarden.toml").write_text(
        'errors = "warn"\nexclude = ["*.env"]\n[config-guard]\nzizmor = false\n'
    ),
    "pre-commit exclude:": lambda r: weaken_precommit(r, "exclude", ".*"),
    "pre-commit files:": lambda r: weaken_precommit(r, "files", "^nothing$"),
    "pre-commit stages:": lambda r: weaken_precommit(r, "stages", ["manual"]),
}


@pytest.mark.parametrize("weakening", sorted(WEAKENINGS))
def test_a_commit_that_weakens_the_config_and_adds_a_key_fails(
    guarded: Path, tmp_path: Path, weakening: str
) -> None:
    WEAKENINGS[weakening](guarded)
    (guarded / "deploy.env").write_text(f"HF_TOKEN={F.token('hf')}\n")
    git(guarded, "add", "-A")
    done = commit(guarded, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "CFG014" in output or "CFG007" in output or "CFG008" in output, output
    assert git(guarded, "log", "-1", "--format=%s").stdout.strip() == "guarded"


def test_a_config_change_that_weakens_nothing_lands(guarded: Path, tmp_path: Path) -> None:
    (guarded / ".mlwarden.toml").write_text(
        'min-severity = "low"\n[config-guard]\nzizmor = false\n'
    )
    (guarded / "deploy.env").write_text("HF_TOKEN=${HF_TOKEN}\n")
    git(guarded, "add", "-A")
    done = commit(guarded, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_plain_git_hook_judges_the_index_under_the_last_commits_config(
    tmp_path: Path,
) -> None:
    """`mlwarden install` users: `hooks/pre-commit` runs `mlwarden scan --staged`."""
    repo = make_repo(tmp_path / "repo")
    (repo / ".mlwarden.toml").write_text("[config-guard]\nzizmor = false\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "guarded")
    git(repo, "switch", "-q", "-c", "topic")
    subprocess.run(
        [sys.executable, "-m", "mlwarden", "install"], cwd=repo, check=True, capture_output=True
    )
    WEAKENINGS["exclude everything"](repo)
    (repo / "deploy.env").write_text(f"HF_TOKEN={F.token('hf')}\n")
    git(repo, "add", "-A")
    done = commit(repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ".mlwarden.toml:1:1: CFG014" in done.stdout + done.stderr
