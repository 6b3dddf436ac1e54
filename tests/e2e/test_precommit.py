"""The real pre-commit framework runs mlwarden's manifest against a real repository.

The hook environment is built once per session from a committed snapshot of this checkout
(`pip install` of the project, as pre-commit does for any hook repository).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from tests.conftest import git, make_repo, run_pre_commit

HF_TOKEN = "hf_" + "QmXzTrWvKpLsNdYfGhJbCaEuIoPyRtMnBv"


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return (os.system, ("echo payload",))


def seed_project(repo: Path) -> None:
    (repo / ".env").write_text(f"HF_TOKEN={HF_TOKEN}\n")
    (repo / "train.py").write_text("import torch\n\nmodel = torch.load('ckpt.pt')\n")
    (repo / "requirements.txt").write_text("torch>=2.1\n")
    (repo / "model.pkl").write_bytes(pickle.dumps({"head": _Payload()}, protocol=2))


@pytest.fixture()
def user_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "user")
    seed_project(repo)
    git(repo, "add", "-A")
    return repo


EXPECTED_BY_HOOK = {
    "mlwarden-secrets": ".env:1:10: SEC001 [high]",
    "mlwarden-semgrep": "train.py:3:9: SG001 [high]",
    "mlwarden-bandit": "train.py:3:9: B614 [medium]",
    "mlwarden-models": "model.pkl:1:1: MOD001 [high]",
    "mlwarden-pins": "requirements.txt:1:1: PIN001 [medium]",
}


def test_try_repo_runs_every_hook_of_the_manifest(
    user_repo: Path, mlwarden_snapshot: tuple[Path, str], pre_commit_home: Path
) -> None:
    # try-repo builds its hook environment in a fresh store each time, so all hooks run
    # in one call rather than one call a hook.
    snapshot, sha = mlwarden_snapshot
    result = run_pre_commit(
        user_repo, pre_commit_home, "try-repo", str(snapshot), "--ref", sha, "--all-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    for hook, expected in EXPECTED_BY_HOOK.items():
        assert expected in output, hook
    assert "Traceback" not in output


def test_installed_config_blocks_the_commit_until_fixed(
    user_repo: Path, mlwarden_snapshot: tuple[Path, str], pre_commit_home: Path
) -> None:
    snapshot, sha = mlwarden_snapshot
    hooks = ["mlwarden-secrets", "mlwarden-models", "mlwarden-pins", "mlwarden-branch-guard"]
    config = f"repos:\n  - repo: {snapshot}\n    rev: {sha}\n    hooks:\n"
    config += "".join(f"      - id: {hook}\n" for hook in hooks)
    (user_repo / ".pre-commit-config.yaml").write_text(config)
    git(user_repo, "checkout", "-q", "-b", "feature")
    git(user_repo, "add", "-A")
    installed = run_pre_commit(user_repo, pre_commit_home, "install")
    assert installed.returncode == 0, installed.stderr

    blocked = git(user_repo, "commit", "-q", "-m", "add model", check=False)
    assert blocked.returncode == 1
    assert ".env:1:10: SEC001" in blocked.stdout + blocked.stderr
    assert "model.pkl:1:1: MOD001" in blocked.stdout + blocked.stderr
    assert git(user_repo, "rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0

    (user_repo / ".env").write_text("HF_TOKEN=${HF_TOKEN}\n")
    (user_repo / "model.pkl").unlink()
    (user_repo / "requirements.txt").write_text("torch==2.10.0\n")
    git(user_repo, "add", "-A")
    done = git(user_repo, "commit", "-q", "-m", "clean", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert git(user_repo, "rev-parse", "--verify", "-q", "HEAD").returncode == 0


def test_a_passing_hook_still_shows_what_it_could_not_judge(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    """`errors = "warn"` lets a run pass with errors: pre-commit hides a passing hook's
    output unless the hook is verbose, so the manifest's entries are."""
    from tests.conftest import local_pre_commit_config

    repo = make_repo(tmp_path / "user")
    (repo / ".pre-commit-config.yaml").write_text(local_pre_commit_config(["bandit"]))
    (repo / ".mlwarden.toml").write_text('errors = "warn"\n')
    (repo / "broken.py").write_text("def f(:\n    pass\n")
    git(repo, "add", "-A")
    done = run_pre_commit(repo, pre_commit_home, "run", "--all-files")
    assert done.returncode == 0, done.stdout
    assert "broken.py: error [bandit]: syntax error at line 1" in done.stdout
