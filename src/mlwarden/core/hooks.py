"""The hook contract and the registry of hooks.

Each hook is one package under `mlwarden.checks` whose `__init__` declares `HOOK`, a
`Hook`: its name (also its `[tool.mlwarden.<name>]` table), its options (a frozen
dataclass; field `allow_globals` is spelt `allow-globals` in TOML), its rules and its
`run`. The runner is the only caller of `run`: it hands the hook the files to judge and
takes its findings, so a hook never walks folders, runs git or reads config itself:
`run(sources, ctx)` gets the files to judge (`core.sources.Source`) and its options.

Hook packages import their engines (semgrep, bandit) inside `run`, so loading the
registry stays cheap: `mlwarden --version` must not pay for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlwarden.core.findings import HookResult
from mlwarden.core.rules import Rule

if TYPE_CHECKING:
    from mlwarden.core.config import Config
    from mlwarden.core.sources import Source

# Order is the order of `mlwarden rules` and of a default `mlwarden scan`.
HOOK_MODULES: Mapping[str, str] = {
    "secrets": "mlwarden.checks.secrets",
    "semgrep": "mlwarden.checks.semgrep",
    "bandit": "mlwarden.checks.bandit",
    "models": "mlwarden.checks.models",
    "pins": "mlwarden.checks.pins",
    "config-guard": "mlwarden.checks.config_guard",
    "branch-guard": "mlwarden.checks.branch_guard",
}


@dataclass(frozen=True)
class HookContext:
    """What a hook is told besides the files: its options and the config they come from.

    `root` is the repository (or scanned folder) the files belong to. `companions` are
    every hook of this run, so a hook may skip work another one owns (the runner drops
    findings of a rule that a companion's rule declares as its equivalent either way).
    """

    options: Any
    config: Config
    root: Path
    companions: frozenset[str] = frozenset()
    # `--jobs`: how many processes (or engine workers) a hook may use.
    jobs: int = 1


@dataclass(frozen=True)
class Hook:
    """One hook, declared once in its package's `__init__`."""

    name: str
    options: type[Any]
    rules: Callable[[], tuple[Rule, ...]]
    run: Callable[[Sequence[Source], HookContext], HookResult]
    # branch-guard judges git state, not files: it runs only when named explicitly.
    judges_files: bool = True
    # The findings for a file depend on that file alone: large groups may be split across
    # worker processes (`--jobs`).
    parallel: bool = False
    # What the results depend on besides each file's content and path (options, rule
    # packs, a baseline), as a string; None (or no function) means "do not cache": the
    # hook reads other files, or its results depend on more than it can name.
    cache_key: Callable[[HookContext], str | None] | None = None


def hook_names() -> tuple[str, ...]:
    return tuple(HOOK_MODULES)


def file_hook_names() -> tuple[str, ...]:
    return tuple(name for name in HOOK_MODULES if load_hook(name).judges_files)


def load_hook(name: str) -> Hook:
    try:
        module_name = HOOK_MODULES[name]
    except KeyError:
        choices = ", ".join(HOOK_MODULES)
        raise ValueError(f"unknown hook {name!r} (choose from {choices})") from None
    hook: Hook = importlib.import_module(module_name).HOOK
    return hook
