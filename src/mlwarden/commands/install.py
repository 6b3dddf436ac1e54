"""`mlwarden install` / `mlwarden uninstall`: the plain git hooks of `hooks/`.

Install writes `pre-commit` and `pre-push` into the repository's hooks folder (what
`git rev-parse --git-path hooks` names, so an existing `core.hooksPath` is respected), or
into `--hooks-path DIR` and points `core.hooksPath` there. A hook that is already there
and is not ours is never overwritten: it is renamed `<hook>.pre-mlwarden` and our hook
runs it first with the same arguments and input. Uninstall puts everything back.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

HOOK_TYPES = ("pre-commit", "pre-push")
MARKER = "# mlwarden-hook:"
CHAINED_SUFFIX = ".pre-mlwarden"
PYTHON_LINE = 'MLWARDEN_PYTHON="${MLWARDEN_PYTHON:-}"'
KEY_INSTALLED_PATH = "mlwarden.installedHooksPath"
KEY_PREVIOUS_PATH = "mlwarden.previousHooksPath"


class InstallError(Exception):
    """Exit 2: no repository, a broken installation."""


class RefusedError(InstallError):
    """Exit 1: installing would overwrite a hook that is not ours."""


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def hook_template(name: str) -> str:
    """The hook's text: shipped in the wheel as `mlwarden/git_hooks/`, or `hooks/` of a
    source checkout (editable installs)."""
    try:
        return resources.files("mlwarden").joinpath("git_hooks").joinpath(name).read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError, OSError):
        pass
    source = Path(__file__).resolve().parents[3] / "hooks" / name
    try:
        return source.read_text("utf-8")
    except OSError:
        raise InstallError(f"the {name} hook is missing from this mlwarden installation") from None


def render_hook(name: str, python: str) -> str:
    """The template with the interpreter that has mlwarden baked in, so the hook works
    from a GUI or a shell where the virtualenv is not active."""
    escaped = "".join("\\" + c if c in '\\"$`' else c for c in python)
    text = hook_template(name)
    if PYTHON_LINE not in text:
        raise InstallError(f"the {name} hook template has no MLWARDEN_PYTHON line")
    return text.replace(PYTHON_LINE, f'MLWARDEN_PYTHON="${{MLWARDEN_PYTHON:-{escaped}}}"', 1)


def is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    return MARKER in head


def hooks_dir(cwd: Path) -> Path:
    path = _git(cwd, "rev-parse", "--git-path", "hooks")
    if path is None:
        raise InstallError("not inside a git repository")
    return (cwd / path).resolve()


def _write_executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def install_hook(folder: Path, name: str, python: str, previous: Path | None) -> str:
    """Install one hook; `previous` is the hooks folder that was in effect before a
    `--hooks-path` switch, whose hook must keep running."""
    target = folder / name
    chained = folder / (name + CHAINED_SUFFIX)
    notes = []
    if target.exists() and not is_ours(target):
        if chained.exists():
            raise RefusedError(
                f"{target} is not mlwarden's and {chained.name} already exists; "
                "move one of them away and run `mlwarden install` again"
            )
        target.rename(chained)
        notes.append(f"kept the existing hook as {chained}; mlwarden runs it first")
    elif previous is not None and previous != folder and not chained.exists():
        old = previous / name
        if old.is_file() and os.access(old, os.X_OK) and not is_ours(old):
            shutil.copy2(old, chained)
            notes.append(f"copied {old} to {chained}; mlwarden runs it first")
    _write_executable(target, render_hook(name, python))
    return "; ".join([f"installed {target}", *notes])


def uninstall_hook(folder: Path, name: str, previous: Path | None) -> str:
    target = folder / name
    chained = folder / (name + CHAINED_SUFFIX)
    if target.exists() and not is_ours(target):
        return f"{target} is not mlwarden's; left alone"
    if target.exists():
        target.unlink()
    if not chained.exists():
        return f"removed {target}"
    old = previous / name if previous is not None else None
    if old is not None and old.is_file() and filecmp.cmp(old, chained, shallow=False):
        chained.unlink()  # a copy made by --hooks-path; the original is still in place
        return f"removed {target} and its copy of {old}"
    chained.rename(target)
    return f"restored the previous hook {target}"


def _parser(prog: str, verb: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=f"{verb} mlwarden's plain git hooks "
        "(pre-commit and pre-push) in this repository",
    )
    parser.add_argument(
        "-t",
        "--hook-type",
        action="append",
        choices=HOOK_TYPES,
        help="only this hook (repeatable; default: both)",
    )
    return parser


def install_main(argv: Sequence[str] | None = None) -> int:
    parser = _parser("mlwarden install", "Install")
    parser.add_argument(
        "--hooks-path",
        metavar="DIR",
        help="write the hooks into DIR (relative to the repository top) and "
        "set core.hooksPath to it",
    )
    args = parser.parse_args(argv)
    cwd = Path.cwd()
    try:
        current = hooks_dir(cwd)
        folder, previous = current, None
        if args.hooks_path:
            top = _git(cwd, "rev-parse", "--show-toplevel")
            if top is None:
                raise InstallError("--hooks-path needs a repository with a working tree")
            folder = (Path(top) / args.hooks_path).resolve()
            previous = current
        for name in args.hook_type or HOOK_TYPES:
            print(install_hook(folder, name, sys.executable, previous))
        if args.hooks_path:
            old_value = _git(cwd, "config", "--local", "core.hooksPath")
            if _git(cwd, "config", "--local", KEY_INSTALLED_PATH) is None:
                if old_value is not None:
                    _git(cwd, "config", "--local", KEY_PREVIOUS_PATH, old_value)
                _git(cwd, "config", "--local", KEY_INSTALLED_PATH, args.hooks_path)
            _git(cwd, "config", "--local", "core.hooksPath", args.hooks_path)
            print(f"set core.hooksPath to {args.hooks_path}")
    except (InstallError, OSError) as exc:
        print(f"mlwarden install: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, RefusedError) else 2
    return 0


def uninstall_main(argv: Sequence[str] | None = None) -> int:
    args = _parser("mlwarden uninstall", "Remove").parse_args(argv)
    cwd = Path.cwd()
    try:
        folder = hooks_dir(cwd)
        installed_path = _git(cwd, "config", "--local", KEY_INSTALLED_PATH)
        previous_value = _git(cwd, "config", "--local", KEY_PREVIOUS_PATH)
        previous = None
        if installed_path is not None:
            git_dir = _git(cwd, "rev-parse", "--git-common-dir") or ".git"
            top = _git(cwd, "rev-parse", "--show-toplevel") or str(cwd)
            previous = (
                (Path(top) / previous_value).resolve()
                if previous_value
                else ((cwd / git_dir).resolve() / "hooks")
            )
        for name in args.hook_type or HOOK_TYPES:
            print(uninstall_hook(folder, name, previous))
        if installed_path is not None and not args.hook_type:
            if previous_value is not None:
                _git(cwd, "config", "--local", "core.hooksPath", previous_value)
                print(f"restored core.hooksPath to {previous_value}")
            else:
                _git(cwd, "config", "--local", "--unset", "core.hooksPath")
                print("unset core.hooksPath")
            _git(cwd, "config", "--local", "--unset", KEY_INSTALLED_PATH)
            _git(cwd, "config", "--local", "--unset", KEY_PREVIOUS_PATH)
    except (InstallError, OSError) as exc:
        print(f"mlwarden uninstall: {exc}", file=sys.stderr)
        return 2
    return 0
