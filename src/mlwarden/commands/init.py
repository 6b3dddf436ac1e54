"""`mlwarden init`: add mlwarden to a repository so that `git commit` runs it on a fresh machine.

The pre-commit config is merged with a YAML round trip (ruamel.yaml keeps comments, order
and the file's own indentation layout), checked with pre-commit's own validator, and
replaced atomically: a config pre-commit would refuse is never written. Without a hosting
URL the hooks are a `repo: local` block whose Python environment pre-commit builds from
the package index (`additional_dependencies: [mlwarden==<this version>]`); with `--repo`
they are the remote form pinned to this version's tag.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from mlwarden import __version__
from mlwarden.commands import init_ci
from mlwarden.core import precommit

CONFIG_NAME = precommit.CONFIG_NAME
PUSH_HOOK = "mlwarden-branch-guard-push"
HEADER = (
    "# pre-commit hooks: `pre-commit install` once, then every `git commit` runs them.\n"
    "# mlwarden's hooks run in an environment pre-commit builds from the package index.\n"
)
CONFIG_TABLE = """
[tool.mlwarden]
# Every key is optional; `mlwarden explain ID` documents each rule.
# exclude = ["tests/fixtures/**"]     # globs never scanned by any hook
# disable = []                        # rule ids turned off everywhere
# min-severity = "low"                # findings below this are notes that do not fail

# [tool.mlwarden.branch-guard]
# protected = ["main", "master", "release/*"]
"""


class InitError(Exception):
    """Something init must not paper over: nothing was written."""


def manifest_hooks() -> list[dict[str, Any]]:
    """mlwarden's `.pre-commit-hooks.yaml`: shipped in the wheel as
    `mlwarden/pre_commit_hooks.yaml`, or at the root of a source checkout."""
    try:
        text = resources.files("mlwarden").joinpath("pre_commit_hooks.yaml").read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError, OSError):
        source = Path(__file__).resolve().parents[3] / ".pre-commit-hooks.yaml"
        try:
            text = source.read_text("utf-8")
        except OSError:
            raise InitError("the hook manifest is missing from this installation") from None
    hooks = yaml.safe_load(text)
    assert isinstance(hooks, list)
    return hooks


def _flow(items: Sequence[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def local_hook(entry: dict[str, Any], requirement: str) -> CommentedMap:
    """A manifest entry as a `repo: local` hook that installs mlwarden with pip."""
    hook = CommentedMap()
    for key in ("id", "name", "entry", "language"):
        hook[key] = entry[key]
    hook["additional_dependencies"] = _flow([requirement])
    for key, value in entry.items():
        if key not in hook and key != "description":
            hook[key] = _flow(value) if isinstance(value, list) else value
    return hook


def mlwarden_repo(repo_url: str | None, rev: str, ids: Sequence[str]) -> CommentedMap:
    """The `repos:` entry for the hooks `ids` (every hook of the manifest when all missing)."""
    entries = [e for e in manifest_hooks() if e["id"] in ids]
    block = CommentedMap()
    if repo_url:
        block["repo"] = repo_url
        block["rev"] = rev
        block["hooks"] = CommentedSeq(CommentedMap(id=e["id"]) for e in entries)
    else:
        block["repo"] = "local"
        requirement = f"mlwarden=={__version__}"
        block["hooks"] = CommentedSeq(local_hook(e, requirement) for e in entries)
    return block


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # never fold a long `files:` pattern
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return rt


def _dump(rt: YAML, data: Any) -> str:
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def merge(text: str | None, repo_url: str | None, rev: str) -> tuple[str, list[str]]:
    """The config with every mlwarden hook, and what changed (empty: nothing to do)."""
    if text is None or not text.strip() or not _has_content(text):
        data = CommentedMap()
        data["default_install_hook_types"] = _flow(["pre-commit", "pre-push"])
        ids = [e["id"] for e in manifest_hooks()]
        data["repos"] = CommentedSeq([mlwarden_repo(repo_url, rev, ids)])
        body = _dump(_yaml(2, 4, 2), data)
        prefix = text.rstrip() + "\n" if text and text.strip() else HEADER
        return prefix + body, [f"created with the {len(ids)} mlwarden hooks"]
    try:
        _, mapping, offset = load_yaml_guess_indent(text)
        rt = _yaml(mapping, mapping, offset)
        data = rt.load(text)
    except YAMLError as exc:
        raise InitError(f"{CONFIG_NAME} is not valid YAML: {exc}") from None
    if not isinstance(data, CommentedMap):
        raise InitError(f"{CONFIG_NAME} is not a mapping; fix it first")
    changes: list[str] = []
    repos = data.get("repos")
    if repos is None:
        repos = data["repos"] = CommentedSeq()
    present = {str(h.get("id")) for r in repos for h in (r.get("hooks") or [])}
    missing = [e["id"] for e in manifest_hooks() if e["id"] not in present]
    if missing:
        repos.fa.set_block_style()
        repos.append(mlwarden_repo(repo_url, rev, missing))
        changes.append(f"added {', '.join(missing)}")
    if PUSH_HOOK in present or PUSH_HOOK in missing:
        changes += _install_types(data)
    return (_dump(rt, data) if changes else text), changes


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def _install_types(data: CommentedMap) -> list[str]:
    """The push guard only runs if `pre-commit install` also installs the pre-push hook."""
    types = data.get("default_install_hook_types")
    if types is None:
        data.insert(0, "default_install_hook_types", _flow(["pre-commit", "pre-push"]))
        return ["set default_install_hook_types: [pre-commit, pre-push]"]
    if "pre-push" not in types:
        types.append("pre-push")
        return ["added pre-push to default_install_hook_types"]
    return []


def write_validated(path: Path, text: str) -> None:
    """Write `text` to `path` only if pre-commit accepts it: a temp file beside it, pre-commit's
    validator, then an atomic rename. On any failure the original file is untouched."""
    temp = path.with_name(f".{path.name}.mlwarden-{os.getpid()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        if path.exists():
            temp.chmod(path.stat().st_mode & 0o7777)
        try:
            config = precommit.load(temp)
        except precommit.PreCommitConfigError as exc:
            raise InitError(f"the merged config would be invalid ({exc}); nothing written") from (
                None
            )
        ids = {entry.id for entry in precommit.hook_entries(config)}
        lost = [e["id"] for e in manifest_hooks() if e["id"] not in ids]
        if lost:
            raise InitError(f"the merged config lacks {', '.join(lost)}; nothing written")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def init_pre_commit(root: Path, repo_url: str | None, rev: str) -> None:
    path = root / CONFIG_NAME
    existing = path.read_text(encoding="utf-8") if path.exists() else None
    if existing is not None and _has_content(existing):
        try:
            precommit.load(path)
        except precommit.PreCommitConfigError as exc:
            raise InitError(
                f"{CONFIG_NAME} is already invalid for pre-commit ({exc}): fix it, then run "
                "`mlwarden init` again; nothing written"
            ) from None
    text, changes = merge(existing, repo_url, rev)
    if not changes:
        print(f"{CONFIG_NAME}: left unchanged, it already runs every mlwarden hook")
        return
    write_validated(path, text)
    local = f"repo: local, mlwarden=={__version__} from the package index"
    where = f"{repo_url} at {rev}" if repo_url else local
    print(f"{CONFIG_NAME}: {'; '.join(changes)} ({where}); checked with pre-commit's validator")


def init_settings(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    dotfile = root / ".mlwarden.toml"
    if pyproject.exists():
        text = pyproject.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^\[tool\.mlwarden", text, re.MULTILINE):
            print("pyproject.toml: left unchanged, it already has [tool.mlwarden]")
            return
        separator = "" if text.endswith("\n") else "\n"
        pyproject.write_text(text + separator + CONFIG_TABLE, encoding="utf-8")
        print("pyproject.toml: added a commented [tool.mlwarden] table")
    elif dotfile.exists():
        print(".mlwarden.toml: left unchanged")
    else:
        dotfile.write_text(CONFIG_TABLE.lstrip(), encoding="utf-8")
        print(".mlwarden.toml: created with a commented [tool.mlwarden] table")


NEXT_STEPS = """next steps:
  pre-commit install --install-hooks   # the pre-commit and pre-push hooks, mlwarden included
  pre-commit run --all-files           # the first full scan
  mlwarden explain ID                  # what a finding means and how to fix it
  pip-audit -r requirements.txt        # every published advisory (network); mlwarden
                                       # itself stays offline and knows only those that
                                       # defeat its own advice (PIN021)
"""


def init_repository(
    root: Path, *, repo_url: str | None = None, rev: str | None = None, ci: str | None = None
) -> int:
    rev = rev or f"v{__version__}"
    try:
        init_pre_commit(root, repo_url, rev)
        if ci == "github":
            init_ci.write_workflow(root, repo_url, rev)
    except InitError as exc:
        print(f"mlwarden init: {exc}", file=sys.stderr)
        return 2
    init_settings(root)
    print(NEXT_STEPS, end="")
    return 0
