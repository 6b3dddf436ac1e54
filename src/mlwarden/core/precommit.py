"""The repository's `.pre-commit-config.yaml`, read the way pre-commit reads it.

We validate with pre-commit's own schema (`pre_commit.clientlib.load_config`, pre-commit
is a dependency anyway) rather than with a copy of it: a config pre-commit refuses is
refused here with pre-commit's own message, and defaults (stages, files) are pre-commit's.

Used for two things: which mlwarden hooks run beside each other under pre-commit (rule
ownership between hooks must not depend on how a repository is reached), and the
warnings `mlwarden scan` gives about a config that is broken or misses declared hooks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_NAME = ".pre-commit-config.yaml"
HOOK_PREFIX = "mlwarden-"


class PreCommitConfigError(ValueError):
    pass


@dataclass(frozen=True)
class HookEntry:
    repo: str
    id: str
    stages: tuple[str, ...]


def load(path: Path) -> dict[str, Any]:
    """The validated config with pre-commit's defaults, or `PreCommitConfigError` with
    pre-commit's own message."""
    from pre_commit.clientlib import InvalidConfigError, load_config

    # pre-commit logs warnings (mutable revs, unknown keys) on its own logger.
    logging.getLogger("pre_commit").setLevel(logging.ERROR)
    try:
        config: dict[str, Any] = load_config(str(path))
    except InvalidConfigError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        raise PreCommitConfigError(" ".join(lines[-2:]) if lines else "invalid") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PreCommitConfigError(f"cannot read: {exc}") from None
    return config


def hook_entries(config: Mapping[str, Any]) -> list[HookEntry]:
    entries = []
    for repo in config.get("repos", []):
        for hook in repo.get("hooks", []):
            stages = tuple(hook.get("stages") or config.get("default_stages") or ())
            entries.append(HookEntry(str(repo.get("repo", "")), str(hook["id"]), stages))
    return entries


def mlwarden_hooks(config: Mapping[str, Any], skip: str = "") -> frozenset[str]:
    """Hook names (`secrets`, `semgrep`…) the config runs at commit time, minus the ids in
    pre-commit's `SKIP` variable (which pre-commit honours too)."""
    skipped = {s.strip() for s in skip.split(",") if s.strip()}
    names = set()
    for entry in hook_entries(config):
        if not entry.id.startswith(HOOK_PREFIX) or entry.id in skipped:
            continue
        if entry.stages and not {"pre-commit", "commit", "manual"} & set(entry.stages):
            continue
        name = entry.id.removeprefix(HOOK_PREFIX)
        names.add(name)
    return frozenset(names)


def companions(root: Path, env: Mapping[str, str]) -> frozenset[str] | None:
    """The mlwarden hooks pre-commit runs beside each other in this repository, or None
    when that cannot be told (no config, or one pre-commit would refuse)."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return None
    try:
        config = load(path)
    except PreCommitConfigError:
        return None
    from mlwarden.core.hooks import hook_names

    known = set(hook_names())
    return frozenset(n for n in mlwarden_hooks(config, env.get("SKIP", "")) if n in known)


def problems(root: Path) -> list[str]:
    """Why the repository's pre-commit config would not run mlwarden as it declares: a
    config pre-commit refuses, hook ids that do not exist, hooks that never run at commit
    time. `mlwarden scan` reports these as notices."""
    path = root / CONFIG_NAME
    if not path.is_file():
        return []
    try:
        config = load(path)
    except PreCommitConfigError as exc:
        return [f"{CONFIG_NAME} is invalid, so pre-commit runs no hook at all: {exc}"]
    from mlwarden.core.hooks import hook_names

    known = {HOOK_PREFIX + name for name in hook_names()} | {HOOK_PREFIX + "branch-guard-push"}
    found: list[str] = []
    for entry in hook_entries(config):
        if not entry.id.startswith(HOOK_PREFIX):
            continue
        if entry.id not in known:
            found.append(f"{CONFIG_NAME}: hook id {entry.id!r} is not an mlwarden hook")
        elif entry.stages and not {"pre-commit", "commit", "pre-push", "push"} & set(entry.stages):
            found.append(
                f"{CONFIG_NAME}: {entry.id} runs only at {', '.join(entry.stages)}, never "
                "at commit or push"
            )
    return found
