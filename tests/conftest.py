"""Shared fixtures: real git repositories in temp dirs, the real CLI in a subprocess."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from mlwarden.core.findings import Finding, HookResult, ScanError
from mlwarden.core.hooks import load_hook
from mlwarden.core.rules import Rule

REPO_ROOT = Path(__file__).resolve().parent.parent
# The official SARIF 2.1.0 JSON schema (OASIS sarif-spec, Schemata/sarif-schema-2.1.0.json),
# kept here so a clone on any machine validates its reports offline.
SARIF_SCHEMA = REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


def git(
    cwd: Path, *args: str, check: bool = True, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=check, capture_output=True, text=True, input=input
    )


def write_files(root: Path, files: dict[str, str | bytes]) -> tuple[str, ...]:
    """Write `{relative path: text or bytes}` under `root`; return the relative paths."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return tuple(files)


def jupyter_notebook(*cells: tuple[str, list[str]]) -> str:
    """A notebook in Jupyter's own layout: indent=1, one source line per JSON line, UTF-8."""
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source}
            | ({"execution_count": None, "outputs": []} if kind == "code" else {})
            for kind, source in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def make_repo(path: Path, *, bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main", *(["--bare"] if bare else []))
    if not bare:
        git(path, "config", "user.email", "test@example.com")
        git(path, "config", "user.name", "Test")
        git(path, "config", "commit.gpgsign", "false")
    return path


@pytest.fixture()
def git_repo(tmp_path: Path) -> Path:
    """A fresh non-bare repository on branch `main`, no commits."""
    return make_repo(tmp_path / "repo")


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("PRE_COMMIT", "GIT_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SEMGREP_ENABLE_VERSION_CHECK", "0")
    yield


def mlwarden_command() -> list[str]:
    exe = shutil.which("mlwarden", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "mlwarden"]


def unprivileged() -> list[str]:
    """A command prefix under which permission bits hold: as root, drop the capabilities
    that let root read anything (CI machines often run tests as root)."""
    if os.geteuid() == 0 and shutil.which("setpriv"):
        return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    return []


def run_mlwarden(
    cwd: Path, *args: str, input: str | None = None, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, as a user or pre-commit runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    prefix = globals()["unprivileged"]() if unprivileged else []
    return subprocess.run(
        [*prefix, *mlwarden_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        input=input,
    )


def run_entrypoint(
    cwd: Path, hook: str, *args: str, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A hook's console script (`mlwarden-<hook>`), as pre-commit and the git hooks run it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    command = [sys.executable, "-m", "mlwarden.entrypoints", hook, *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, input=input)


def snapshot_checkout(target: Path) -> tuple[Path, str]:
    """A committed copy of this working tree (tracked and untracked, not ignored files).

    pre-commit installs hook repositories from a git commit; copying lets the end-to-end
    tests run the code under test, uncommitted changes included.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    make_repo(target)
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        name = raw.decode()
        source = REPO_ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, destination)
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot", "--no-verify")
    sha = git(target, "rev-parse", "HEAD").stdout.strip()
    return target, sha


@pytest.fixture(scope="session")
def mlwarden_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return snapshot_checkout(tmp_path_factory.mktemp("snapshot") / "mlwarden")


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the session: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def run_pre_commit(
    cwd: Path, home: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update({"PRE_COMMIT_HOME": str(home), "SEMGREP_ENABLE_VERSION_CHECK": "0"})
    env.update(extra_env or {})
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, env=env)


def judge(
    hook: str,
    root: Path,
    files: Sequence[str] = (),
    options: object | None = None,
    *,
    commits: str | None = None,
    staged: bool = False,
    max_file_size: int | None = None,
) -> HookResult:
    """One hook's own result for `files` of the repository (or folder) at `root`, reached
    through the real runner: the same file selection, config and sources as `mlwarden
    scan`, but before the runner filters findings. `options` replaces the config's."""
    from mlwarden.core.runner import ScanRequest
    from mlwarden.core.selection import hook_inputs

    spec = load_hook(hook)
    request = ScanRequest(hooks=(hook,), paths=tuple(files), commits=commits, staged=staged)
    findings: list[Finding] = []
    errors: list[ScanError] = []
    rules: list[Rule] = []
    with hook_inputs(hook, request, cwd=root) as groups:
        for ctx, sources in groups or [(None, [])]:
            if ctx is None:
                continue
            config = ctx.config
            if max_file_size is not None:
                config = dataclasses.replace(config, max_file_size=max_file_size)
            ctx = dataclasses.replace(
                ctx, options=ctx.options if options is None else options, config=config
            )
            result = spec.run(sources, ctx)
            findings.extend(result.findings)
            errors.extend(result.errors)
            rules.extend(result.rules)
    return HookResult(tuple(findings), tuple(errors), tuple(rules))


def local_pre_commit_config(hooks: Sequence[str] | None = None, **overrides: object) -> str:
    """A `.pre-commit-config.yaml` running mlwarden's manifest entries as `repo: local`
    hooks (same files/types/stages), calling this checkout's code: no environment to build.
    `overrides` maps a hook id to extra keys for its entry (e.g. `exclude`)."""
    import yaml

    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entries = []
    for entry in manifest:
        name = entry["id"].removeprefix("mlwarden-")
        if "branch-guard" in name or (hooks is not None and name not in hooks):
            continue
        local = {k: v for k, v in entry.items() if k not in ("minimum_pre_commit_version",)}
        local.update(
            entry=f"{sys.executable} -m mlwarden.entrypoints {name}",
            language="system",
        )
        local.update(overrides.get(entry["id"], {}))  # type: ignore[call-overload]
        entries.append(local)
    text: str = yaml.safe_dump({"repos": [{"repo": "local", "hooks": entries}]}, sort_keys=False)
    return text
