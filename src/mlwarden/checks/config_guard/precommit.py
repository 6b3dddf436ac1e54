"""`.pre-commit-config.yaml` changes that switch the guards off.

Compared with HEAD: a removed or disabled `mlwarden-*` hook, an `exclude`/`files` that
now hides tracked files from an mlwarden hook, a hook id that now comes from another
`repo:`. Without a HEAD version (a new config) there is nothing to compare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from mlwarden.checks.config_guard.common import Hit, line_of
from mlwarden.checks.config_guard.rules import CFG007, CFG008, CFG009
from mlwarden.core.yamlpos import YamlError

ALL_STAGES = frozenset(
    {
        "pre-commit",
        "pre-merge-commit",
        "pre-push",
        "commit-msg",
        "post-checkout",
        "post-commit",
        "post-merge",
        "post-rewrite",
        "prepare-commit-msg",
        "pre-rebase",
        "manual",
    }
)
LEGACY_STAGES = {"commit": "pre-commit", "push": "pre-push", "merge-commit": "pre-merge-commit"}
# pre-commit's own default when a hook says nothing: every stage but manual.
DEFAULT_STAGES = ALL_STAGES - {"manual"}


@dataclass(frozen=True)
class HookEntry:
    repo: str
    stages: frozenset[str]
    files: tuple[str, ...]  # the top-level and the hook's own: a file must match both
    exclude: tuple[str, ...]  # either one excludes


def _stages(value: object) -> frozenset[str] | None:
    if not isinstance(value, list):
        return None
    return frozenset(LEGACY_STAGES.get(str(s), str(s)) for s in value)


def parse(text: str) -> dict[str, HookEntry]:
    """hook id -> where it comes from and what it runs on (first entry of an id wins)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise YamlError(f"invalid YAML{where}; not checked") from None
    if not isinstance(data, dict):
        return {}
    default = _stages(data.get("default_stages")) or DEFAULT_STAGES
    top_files = str(data.get("files") or "")
    top_exclude = str(data.get("exclude") or "^$")  # pre-commit's default matches nothing
    hooks: dict[str, HookEntry] = {}
    for repo in data.get("repos") or []:
        if not isinstance(repo, dict):
            continue
        url = str(repo.get("repo", ""))
        for hook in repo.get("hooks") or []:
            if not isinstance(hook, dict) or "id" not in hook:
                continue
            hooks.setdefault(
                str(hook["id"]),
                HookEntry(
                    repo=url,
                    stages=_stages(hook.get("stages")) or default,
                    files=(top_files, str(hook.get("files") or "")),
                    exclude=(top_exclude, str(hook.get("exclude") or "^$")),
                ),
            )
    return hooks


def _skipped(entry: HookEntry, paths: Iterable[str]) -> set[str] | None:
    try:
        files = [re.compile(pattern) for pattern in entry.files]
        exclude = [re.compile(pattern) for pattern in entry.exclude]
    except re.error:
        return None
    return {
        p for p in paths if not all(f.search(p) for f in files) or any(e.search(p) for e in exclude)
    }


def check(new_text: str, old_text: str | None, tracked: tuple[str, ...]) -> list[Hit]:
    if old_text is None:
        return []
    new = parse(new_text)
    try:
        old = parse(old_text)
    except YamlError:
        old = {}  # HEAD's config was broken: nothing reliable to compare with
    hits: list[Hit] = []
    for hook_id, before in old.items():
        if not hook_id.startswith("mlwarden"):
            continue
        after = new.get(hook_id)
        if after is None:
            hits.append(
                Hit(
                    CFG007,
                    1,
                    f"hook '{hook_id}' is removed from .pre-commit-config.yaml; "
                    "keep it and silence single findings with `# mlwarden: ignore[ID]`",
                    f"removed:{hook_id}",
                )
            )
            continue
        lost = sorted(before.stages - after.stages)
        line = line_of(new_text, hook_id)
        if lost:
            hits.append(
                Hit(
                    CFG007,
                    line,
                    f"hook '{hook_id}' no longer runs at {', '.join(lost)}; restore its stages",
                    f"stages:{hook_id}",
                )
            )
        newly = _newly_skipped(before, after, tracked)
        if newly:
            sample = ", ".join(sorted(newly)[:3]) + (" ..." if len(newly) > 3 else "")
            hits.append(
                Hit(
                    CFG008,
                    line,
                    f"hook '{hook_id}' now skips {len(newly)} tracked "
                    f"file(s) it used to check ({sample}); narrow `exclude`/`files` "
                    "to the files that need it",
                    f"exclude:{hook_id}",
                )
            )
    for hook_id, after in new.items():
        before_entry = old.get(hook_id)
        if before_entry is not None and before_entry.repo != after.repo:
            hits.append(
                Hit(
                    CFG009,
                    line_of(new_text, after.repo, line_of(new_text, hook_id)),
                    f"hook '{hook_id}' now comes from '{after.repo}' instead of "
                    f"'{before_entry.repo}'; change hook sources only in a reviewed "
                    "commit of their own",
                    f"repo:{hook_id}:{after.repo}",
                )
            )
    return hits


def _newly_skipped(before: HookEntry, after: HookEntry, tracked: tuple[str, ...]) -> set[str]:
    if (before.files, before.exclude) == (after.files, after.exclude):
        return set()
    old_skipped = _skipped(before, tracked) or set()
    new_skipped = _skipped(after, tracked)
    if new_skipped is None:
        return set()  # an invalid regex: pre-commit itself refuses the config
    return new_skipped - old_skipped
