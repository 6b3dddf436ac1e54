"""The hook registry and the contract every hook module follows.

A hook is one module in `mlwarden.checks` exposing:

- ``NAME``: the CLI name (``secrets``), also the `[tool.mlwarden.<NAME>]` table;
- ``Options``: a frozen dataclass of its `[tool.mlwarden.<NAME>]` keys with defaults
  (field ``allow_globals`` is spelt ``allow-globals`` in TOML);
- ``rules() -> tuple[Rule, ...]``: the rules it can report;
- ``run(ctx: ScanContext, options: Options) -> HookResult``: the check itself.

Modules import their engines (semgrep, bandit, detect-secrets) inside ``run`` so that
loading the registry stays cheap: `mlwarden --version` must not pay for them.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlwarden.config import Config

# Order is the order of `mlwarden rules` and of a default `mlwarden scan`.
_ALL_HOOK_MODULES: Mapping[str, str] = {
    "secrets": "mlwarden.checks.secrets",
    "semgrep": "mlwarden.checks.semgrep",
    "bandit": "mlwarden.checks.bandit",
    "models": "mlwarden.checks.models",
    "pins": "mlwarden.checks.pins",
    "config-guard": "mlwarden.checks.config_guard",
    "branch-guard": "mlwarden.checks.branch",
}

# Only hooks whose module ships are offered: a hook not built is absent, not a stub.
HOOK_MODULES: Mapping[str, str] = {
    name: module
    for name, module in _ALL_HOOK_MODULES.items()
    if importlib.util.find_spec(module) is not None
}

# branch-guard looks at git state, not files: it runs only when named explicitly.
GIT_STATE_HOOKS: frozenset[str] = frozenset({"branch-guard"})


def file_hook_names() -> tuple[str, ...]:
    return tuple(name for name in HOOK_MODULES if name not in GIT_STATE_HOOKS)


@dataclass(frozen=True)
class ScanContext:
    """What a hook is asked to look at.

    `files` are POSIX paths relative to the working directory, already expanded from
    directories and filtered by `exclude`. `root` is the repository (or working) root.
    `commits` is a `FROM..TO` range for hooks that can scan pushed commits.
    """

    root: Path
    files: tuple[str, ...]
    config: Config
    commits: str | None = None


def hook_names() -> tuple[str, ...]:
    return tuple(HOOK_MODULES)


def load_hook(name: str) -> ModuleType:
    try:
        module_name = HOOK_MODULES[name]
    except KeyError:
        choices = ", ".join(HOOK_MODULES) or "none"
        raise ValueError(f"unknown hook {name!r} (choose from {choices})") from None
    return importlib.import_module(module_name)


def hook_options_type(name: str) -> Any:
    return load_hook(name).Options
