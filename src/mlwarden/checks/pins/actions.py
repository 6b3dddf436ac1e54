"""GitHub Actions `uses:` and pip in `run:`, and `.pre-commit-config.yaml` revs.

config-guard owns workflow injection and permissions; this module only checks pinning.
"""

from __future__ import annotations

import contextlib
import re

import yaml

from mlwarden.checks.pins.common import read
from mlwarden.checks.pins.requirements import check_index_option
from mlwarden.checks.pins.shell import INDEX_ENV, check_shell, unsafe_strategy_message
from mlwarden.checks.pins.specs import BadRequirement, SpecChecker
from mlwarden.core import yamlpos as y
from mlwarden.core.findings import Severity
from mlwarden.core.sources import Snapshot

_SHA = re.compile(r"[0-9a-fA-F]{40}")
_VERSION_TAG = re.compile(r"^v?\d+(\.\d+)*([.\-+]?[A-Za-z0-9.\-+]*)?$")
_BRANCHES = frozenset(
    {"main", "master", "head", "develop", "dev", "trunk", "latest", "stable", "nightly", "release"}
)


def _load(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> list[yaml.Node] | None:
    text = read(path, files, max_bytes, specs.sink)
    if text is None:
        return None
    try:
        return y.compose_all(text)
    except y.YamlError as exc:
        specs.sink.error(path, str(exc))
        return None


# `${{ matrix.python-version }}`: one shell word once GitHub expands it, never a package name.
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def _one_word(text: str) -> str:
    return _EXPRESSION.sub(lambda m: "${{" + "".join(m.group(1).split()) + "}}", text)


def scan_workflow(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> None:
    docs = _load(path, files, max_bytes, specs)
    for doc in docs or []:
        for key, _, value in y.walk_pairs(doc):
            if key == "uses" and (ref := y.scalar(value)):
                _check_uses(path, y.line(value), ref.strip(), specs)
            elif key == "run" and y.scalar(value):
                check_shell(specs, path, [(n, _one_word(t)) for n, t in y.text_lines(value)])
            elif key == "env":
                _check_env(path, value, specs)


def _check_env(path: str, env: yaml.Node, specs: SpecChecker) -> None:
    """`env:` of a workflow, job or step: index variables pip and uv read."""
    for key, key_node, value in y.walk_pairs(env):
        text = (y.scalar(value) or "").strip()
        if not text or "${{" in text or y.line(key_node) != y.line(value):
            continue  # an expression decides it, or a nested mapping
        if key == "UV_INDEX_STRATEGY" and text.startswith("unsafe-"):
            specs.sink.add(
                "PIN011",
                path,
                y.line(value),
                unsafe_strategy_message(f"`{key}: {text}`"),
                f"strategy:{text}",
            )
        option = INDEX_ENV.get(key)
        if option is None:
            continue
        for url in text.replace(",", " ").split():
            check_index_option(specs.sink, specs.options, path, y.line(value), option, url)


def _check_uses(path: str, line: int, ref: str, specs: SpecChecker) -> None:
    if ref.startswith("./") or "${{" in ref:
        return
    if ref.startswith("docker://"):
        if "@sha256:" not in ref:
            specs.sink.add(
                "PIN017",
                path,
                line,
                f"`uses: {ref}` runs a container by tag: pin it as "
                f"`{ref.split('@')[0]}@sha256:<digest>`",
                ref,
            )
        return
    action, _, version = ref.partition("@")
    owner = action.split("/", 1)[0]
    allowed = {o.lower() for o in specs.options.allowed_action_owners}
    if _SHA.fullmatch(version) or owner.lower() in allowed:
        return
    shown = f"@{version}" if version else "with no ref"
    specs.sink.add(
        "PIN017",
        path,
        line,
        f"`{action}` is used {shown}, which its owner can move: pin the full commit SHA, "
        f"e.g. `uses: {action}@<40-hex sha>  # {version or 'vX.Y.Z'}` (or add `{owner}` to "
        "allowed-action-owners)",
        action,
    )


def scan_precommit(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> None:
    docs = _load(path, files, max_bytes, specs)
    require_sha = specs.options.precommit_require_sha
    for doc in docs or []:
        for repo in y.seq(y.get(doc, "repos")):
            for hook in y.seq(y.get(repo, "hooks")):
                _check_additional_dependencies(path, hook, specs)
            url = y.scalar(y.get(repo, "repo")) or ""
            rev_node = y.get(repo, "rev")
            rev = y.scalar(rev_node)
            if url in ("local", "meta") or rev_node is None or rev is None:
                continue
            rev = rev.strip()
            if _SHA.fullmatch(rev):
                continue
            is_tag = bool(_VERSION_TAG.match(rev)) and rev.lower() not in _BRANCHES
            if is_tag and not require_sha:
                continue
            what = "a tag, which can be moved" if is_tag else "a branch name"
            specs.sink.add(
                "PIN018",
                path,
                y.line(rev_node),
                f"`rev: {rev}` for {url} is {what}: use a release tag or, safer, the commit SHA "
                "(`pre-commit autoupdate --freeze`)",
                f"{url}@{rev}",
            )


_NON_PYTHON = frozenset({"node", "golang", "rust", "ruby", "dotnet", "conda", "docker", "system"})


def _check_additional_dependencies(path: str, hook: yaml.Node, specs: SpecChecker) -> None:
    """Python hooks install `additional_dependencies` with pip: same rules as requirements."""
    language = y.scalar(y.get(hook, "language")) or ""
    if language in _NON_PYTHON:
        return
    for node in y.seq(y.get(hook, "additional_dependencies")):
        value = y.scalar(node)
        if not value or ("@" in value and "://" not in value):
            continue  # npm-style `pkg@1.2.3` of a hook whose language is not declared here
        # Other ecosystems' specs do not parse as PEP 508: not ours to report.
        with contextlib.suppress(BadRequirement):
            # A hook's own environment, not the pipeline's: low, not medium.
            specs.check(
                path,
                y.line(node),
                value,
                where=" in additional_dependencies",
                pin_severity=Severity.LOW,
            )
