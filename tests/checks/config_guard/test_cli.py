"""config-guard end to end: `mlwarden scan`, the console entry, the pre-commit framework."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.checks.branch_guard.helpers import hook_env, run_git
from tests.checks.config_guard.helpers import commit_files, write
from tests.conftest import git, run_mlwarden

WF = ".github/workflows/ci.yml"
# The `files` filter proposed for the manifest entry (see docs/hooks/config-guard.md).
FILES = (
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|[^/]*\.gitlab-ci\.ya?ml|\.pre-commit-config\.yaml"
    r"|pip\.(conf|ini)|\.pypirc|uv\.toml|pyproject\.toml|environment\.ya?ml|\.?condarc"
    r"|\.dvc/config|wandb/settings|CODEOWNERS|\.env|MLproject|[^/]+\.(ya?ml|toml|cfg|ini|env))$"
)


def no_zizmor(repo: Path) -> None:
    """A zizmor on the developer's PATH must not change what these tests see."""
    (repo / ".mlwarden.toml").write_text("[config-guard]\nzizmor = false\n")


def test_scan_reports_and_fails(git_repo: Path) -> None:
    no_zizmor(git_repo)
    write(git_repo, WF, "on: push\npermissions: write-all\njobs: {}\n")
    done = run_mlwarden(git_repo, "scan", "--hook", "config-guard")
    assert done.returncode == 1
    assert done.stdout.startswith(f"{WF}:2:1: CFG003 [high] workflow grants `permissions: ")
    done = run_mlwarden(git_repo, "scan", "--hook", "config-guard", "--format", "json", WF)
    assert '"rule_id": "CFG003"' in done.stdout


def test_suppression_comment_in_yaml(git_repo: Path) -> None:
    no_zizmor(git_repo)
    text = "on: push\npermissions: write-all  # mlwarden: ignore[CFG003]\njobs: {}\n"
    write(git_repo, WF, text)
    done = run_mlwarden(git_repo, "scan", "--hook", "config-guard", WF)
    assert done.returncode == 0, done.stdout


def test_console_entry_and_subdirectory(git_repo: Path) -> None:
    write(git_repo, "pip.conf", "[global]\nextra-index-url = https://evil.example/simple\n")
    (git_repo / "sub").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "mlwarden.entrypoints", "config-guard", "../pip.conf"],
        cwd=git_repo / "sub",
        capture_output=True,
        text=True,
        env=hook_env(),
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("../pip.conf:2:1: CFG010 [high] package source")


def test_malformed_yaml_is_a_message_not_a_traceback(git_repo: Path) -> None:
    write(git_repo, WF, "on: [push\n")
    done = run_mlwarden(git_repo, "scan", "--hook", "config-guard", WF)
    assert "Traceback" not in done.stderr + done.stdout
    assert "invalid YAML" in done.stderr + done.stdout


def test_pre_commit_framework_refuses_guard_removal(git_repo: Path, tmp_path: Path) -> None:
    guard = {
        "id": "mlwarden-config-guard",
        "name": "mlwarden config guard",
        "entry": f"{sys.executable} -m mlwarden.entrypoints config-guard",
        "language": "system",
        "files": FILES,
    }
    secrets = {"id": "mlwarden-secrets", "name": "stand-in", "entry": "true", "language": "system"}
    full = yaml.safe_dump({"repos": [{"repo": "local", "hooks": [guard, secrets]}]})
    commit_files(git_repo, {".pre-commit-config.yaml": full, "src/a.py": "a = 1\n"})
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pc-home")}
    installed = subprocess.run(
        [str(Path(sys.executable).parent / "pre-commit"), "install"],
        cwd=git_repo,
        capture_output=True,
        text=True,
        env=hook_env(**env),
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(git_repo, "switch", "-q", "-c", "topic")
    head = git(git_repo, "rev-parse", "HEAD").stdout
    dropped = yaml.safe_dump({"repos": [{"repo": "local", "hooks": [guard]}]})
    write(git_repo, ".pre-commit-config.yaml", dropped)
    done = run_git(git_repo, "commit", "-m", "simplify hooks", **env)
    assert done.returncode == 1
    assert (
        ".pre-commit-config.yaml:1:1: CFG007 [high] hook 'mlwarden-secrets' is removed"
        in done.stdout
    )
    assert git(git_repo, "rev-parse", "HEAD").stdout == head
    # A workflow with an injection is refused too; a clean one passes.
    git(git_repo, "checkout", "-q", "HEAD", "--", ".pre-commit-config.yaml")
    write(
        git_repo,
        WF,
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n",
    )
    done = run_git(git_repo, "commit", "-m", "triage", **env)
    assert done.returncode == 1 and f"{WF}:7:" in done.stdout and "CFG002" in done.stdout
    write(
        git_repo,
        WF,
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - env:\n          TITLE: ${{ github.event.issue.title }}\n"
        '        run: echo "$TITLE"\n',
    )
    done = run_git(git_repo, "commit", "-q", "-m", "triage", **env)
    assert done.returncode == 0, done.stdout


def test_sub_project_scanned_from_its_folder(git_repo: Path) -> None:
    """A project with its own config inside a bigger repository (a monorepo): its own
    .github/workflows are checked as workflows, from its folder and from the root alike."""
    project = git_repo / "examples" / "demo"
    project.mkdir(parents=True)
    no_zizmor(project)
    write(git_repo, "examples/demo/.github/workflows/ci.yml", "on: push\npermissions: write-all\n")
    done = run_mlwarden(project, "scan", "--hook", "config-guard", ".")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(".github/workflows/ci.yml:2:1: CFG003 [high]")
    from_root = run_mlwarden(git_repo, "scan", "--hook", "config-guard", "examples")
    assert from_root.stdout.startswith("examples/demo/.github/workflows/ci.yml:2:1: CFG003")
