"""`mlwarden install` / `uninstall`: real repositories, real `git commit` and `git push`."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from mlwarden.commands.install import install_main, uninstall_main
from tests.checks.branch_guard.helpers import (
    commit,
    make_remote_and_clone,
    remote_refs,
    run_git,
)
from tests.conftest import git, run_mlwarden

# Another tool's hook: records its stdin next to its folder, exits with `code`.
FOREIGN = '#!/bin/sh\ncat > "$(dirname "$0")/../seen-{name}"\nexit {code}\n'


@pytest.fixture()
def repos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    remote, clone = make_remote_and_clone(tmp_path)
    git(clone, "config", "--unset", "core.hooksPath")
    monkeypatch.chdir(clone)
    return remote, clone


def baked(**env: str) -> dict[str, str]:
    """Run git without MLWARDEN_PYTHON in the environment: the installed hook must use
    the interpreter `mlwarden install` wrote into it."""
    return {"MLWARDEN_PYTHON": "", **env}


def test_install_then_commit_and_push_are_guarded_then_uninstall(
    repos: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    remote, clone = repos
    assert install_main([]) == 0
    hooks = clone / ".git" / "hooks"
    for name in ("pre-commit", "pre-push"):
        text = (hooks / name).read_text()
        assert f'MLWARDEN_PYTHON="${{MLWARDEN_PYTHON:-{sys.executable}}}"' in text
        assert (hooks / name).stat().st_mode & stat.S_IXUSR
    assert f"installed {hooks / 'pre-push'}" in capsys.readouterr().out
    (clone / "x.txt").write_text("x\n")
    git(clone, "add", "x.txt")
    done = run_git(clone, "commit", "-m", "on main", **baked())
    assert done.returncode == 1 and "BRG001" in done.stdout
    before = remote_refs(remote)
    git(clone, "switch", "-q", "-c", "feature")
    commit(clone, "x.txt", "x\n")
    done = run_git(clone, "push", "origin", "feature:main", **baked())
    assert done.returncode != 0 and "BRG002" in done.stdout
    assert remote_refs(remote) == before

    assert uninstall_main([]) == 0
    assert not (hooks / "pre-commit").exists() and not (hooks / "pre-push").exists()
    done = run_git(clone, "push", "-q", "origin", "feature:main", **baked())
    assert done.returncode == 0
    assert remote_refs(remote) != before


def test_existing_hook_is_chained_and_restored(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    hooks = clone / ".git" / "hooks"
    original = FOREIGN.format(name="pre-push", code=0)
    (hooks / "pre-push").write_text(original)
    (hooks / "pre-push").chmod(0o755)
    assert install_main([]) == 0
    assert (hooks / "pre-push.pre-mlwarden").read_text() == original
    git(clone, "switch", "-q", "-c", "feature")
    sha = commit(clone, "f.txt", "f\n")
    done = run_git(clone, "push", "-q", "origin", "feature", **baked())
    assert done.returncode == 0, done.stdout
    # The chained hook saw git's stdin, and the guard still saw it too.
    assert (clone / ".git" / "seen-pre-push").read_text().split()[1] == sha
    done = run_git(clone, "push", "origin", "feature:main", **baked())
    assert done.returncode != 0 and "BRG002" in done.stdout
    # A failing chained hook fails the push before mlwarden runs.
    (hooks / "pre-push.pre-mlwarden").write_text(FOREIGN.format(name="pre-push", code=3))
    before = remote_refs(remote)
    commit(clone, "g.txt", "g\n")
    done = run_git(clone, "push", "origin", "feature", **baked())
    assert done.returncode != 0 and "BRG" not in done.stdout
    assert remote_refs(remote) == before

    (hooks / "pre-push.pre-mlwarden").write_text(original)
    assert uninstall_main([]) == 0
    assert (hooks / "pre-push").read_text() == original
    assert not (hooks / "pre-push.pre-mlwarden").exists()


def test_install_twice_does_not_chain_itself(repos: tuple[Path, Path]) -> None:
    _, clone = repos
    assert install_main([]) == 0
    assert install_main([]) == 0
    assert not (clone / ".git" / "hooks" / "pre-commit.pre-mlwarden").exists()


def test_install_refuses_to_overwrite(
    repos: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, clone = repos
    hooks = clone / ".git" / "hooks"
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n")
    (hooks / "pre-commit.pre-mlwarden").write_text("#!/bin/sh\nexit 0\n")
    assert install_main(["-t", "pre-commit"]) == 1
    assert "is not mlwarden's and pre-commit.pre-mlwarden already exists" in capsys.readouterr().err
    assert (hooks / "pre-commit").read_text() == "#!/bin/sh\nexit 0\n"


def test_uninstall_leaves_foreign_hooks_alone(
    repos: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, clone = repos
    hook = clone / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    assert uninstall_main([]) == 0
    assert "is not mlwarden's; left alone" in capsys.readouterr().out
    assert hook.exists()


def test_hooks_path_mode(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    old = clone / ".git" / "hooks" / "pre-push"
    old.write_text(FOREIGN.format(name="pre-push", code=0))
    old.chmod(0o755)
    assert install_main(["--hooks-path", ".githooks"]) == 0
    assert git(clone, "config", "core.hooksPath").stdout.strip() == ".githooks"
    assert (clone / ".githooks" / "pre-push.pre-mlwarden").read_text() == old.read_text()
    before = remote_refs(remote)
    done = run_git(clone, "push", "origin", ":release/0.9", **baked())
    assert done.returncode != 0 and "BRG004" in done.stdout
    assert remote_refs(remote) == before
    assert (clone / "seen-pre-push").exists()  # the copy ran, from .githooks/

    assert uninstall_main([]) == 0
    assert git(clone, "config", "core.hooksPath", check=False).returncode == 1
    assert not (clone / ".githooks" / "pre-push").exists()
    assert not (clone / ".githooks" / "pre-push.pre-mlwarden").exists()
    assert old.exists()


def test_hook_without_mlwarden_refuses_with_a_message(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    assert install_main(["-t", "pre-push"]) == 0
    hook = clone / ".git" / "hooks" / "pre-push"
    hook.write_text(hook.read_text().replace(sys.executable, "/nonexistent/python"))
    before = remote_refs(remote)
    git(clone, "switch", "-q", "-c", "feature")
    commit(clone, "f.txt", "f\n")
    # A PATH with git but neither mlwarden nor a python that has it.
    path = os.pathsep.join(p for p in ("/usr/bin", "/bin") if Path(p).is_dir())
    done = run_git(clone, "push", "origin", "feature", **baked(PATH=path))
    assert done.returncode != 0
    assert "mlwarden is not installed (pip install mlwarden)" in done.stdout
    assert remote_refs(remote) == before


def test_not_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert install_main([]) == 2
    assert uninstall_main([]) == 2
    assert capsys.readouterr().err.count("not inside a git repository") == 2


def test_cli_install_and_uninstall(repos: tuple[Path, Path]) -> None:
    _, clone = repos
    done = run_mlwarden(clone, "install")
    assert done.returncode == 0, done.stderr
    assert (clone / ".git" / "hooks" / "pre-push").exists()
    done = run_mlwarden(clone, "uninstall")
    assert done.returncode == 0, done.stderr
    assert not (clone / ".git" / "hooks" / "pre-push").exists()


def test_plain_pre_commit_hook_scans_staged_files(repos: tuple[Path, Path]) -> None:
    """hooks/pre-commit runs every file hook on the staged files, independently of any
    .pre-commit-config.yaml (config-guard here: a deterministic finding)."""
    _, clone = repos
    assert install_main(["-t", "pre-commit"]) == 0
    (clone / ".mlwarden.toml").write_text("[config-guard]\nzizmor = false\n")
    git(clone, "switch", "-q", "-c", "ci")
    wf = ".github/workflows/triage.yml"
    (clone / ".github" / "workflows").mkdir(parents=True)
    (clone / wf).write_text(
        "on: issues\npermissions: {}\njobs:\n  a:\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    )
    git(clone, "add", wf)
    head = git(clone, "rev-parse", "HEAD").stdout
    done = run_git(clone, "commit", "-m", "triage", **baked())
    assert done.returncode == 1
    assert f"{wf}:6:" in done.stdout and "CFG002" in done.stdout
    assert git(clone, "rev-parse", "HEAD").stdout == head
    # Nothing staged (an empty commit): the branch check only, which passes here.
    git(clone, "reset", "-q")
    done = run_git(clone, "commit", "-q", "--allow-empty", "-m", "empty", **baked())
    assert done.returncode == 0, done.stdout


@pytest.mark.skipif(
    not (Path(sys.executable).parent / "mlwarden-branch-guard").exists(),
    reason="the mlwarden-branch-guard console script is not installed",
)
def test_hook_falls_back_to_the_console_script_on_path(repos: tuple[Path, Path]) -> None:
    """pipx-style installs: no interpreter baked in that works, the script is on PATH."""
    remote, clone = repos
    assert install_main(["-t", "pre-push"]) == 0
    hook = clone / ".git" / "hooks" / "pre-push"
    hook.write_text(hook.read_text().replace(sys.executable, "/nonexistent/python"))
    before = remote_refs(remote)
    git(clone, "switch", "-q", "-c", "feature")
    commit(clone, "f.txt", "f\n")
    path = os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"])
    done = run_git(clone, "push", "origin", "feature:main", **baked(PATH=path))
    assert done.returncode != 0 and "BRG002" in done.stdout
    assert remote_refs(remote) == before
