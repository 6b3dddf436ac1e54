"""The `.pre-commit-config.yaml` the suite benchmark runs: every mlwarden hook.

Two ways to point pre-commit at mlwarden:

- `local` (default): the real manifest's entries (file filters, batching, serial flags) as
  `repo: local` hooks with `language: system`, calling the console scripts of the installed
  mlwarden. pre-commit then times the hooks, not building an environment, and works offline.
- `remote`: `repo: <mlwarden checkout>` with `rev: <sha>`, exactly as a user writes it; pre-commit
  builds its own virtualenv from that commit the first time (needs the package index), which
  the suite keeps out of the timings with one untimed warm-up run.

Without a manifest (hooks still being built), `local` falls back to one entry per registered hook.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

# Keys of a manifest entry that mean the same in a `repo: local` hook.
_KEPT_KEYS = (
    "name",
    "args",
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "pass_filenames",
    "require_serial",
    "always_run",
    "stages",
    "verbose",
)
PRE_COMMIT_STAGE = "pre-commit"


def load_manifest(path: Path) -> list[dict[str, Any]] | None:
    if not path.is_file():
        return None
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [dict(entry) for entry in loaded] if isinstance(loaded, list) else None


def runs_at_commit(entry: Mapping[str, Any]) -> bool:
    """True for hooks `pre-commit run` runs by default (no stages, or the commit stage)."""
    stages = entry.get("stages")
    return not stages or PRE_COMMIT_STAGE in stages or "commit" in stages


def module_command(python: str, module: str) -> str:
    """Calls the hook module's `main` (`-m` cannot run a hook that is a package)."""
    return f'{python} -c "import sys; from {module} import main; sys.exit(main())"'


def resolve_entry(entry: str, bin_dir: Path, modules: Mapping[str, str], python: str) -> str:
    """An absolute command for `entry`: the venv's script, or `python -m` of the hook module."""
    first, _, rest = entry.partition(" ")
    script = bin_dir / first
    if script.is_file():
        command = str(script)
    elif first.startswith("mlwarden-") and first[len("mlwarden-") :] in modules:
        command = module_command(python, modules[first[len("mlwarden-") :]])
    else:
        found = shutil.which(first, path=str(bin_dir))
        command = found or first
    return f"{command} {rest}".strip()


def is_built(entry: str, hook_modules: Mapping[str, str]) -> bool:
    """False for an mlwarden hook the manifest lists but whose module does not ship yet."""
    script = entry.split(" ", 1)[0]
    return not script.startswith("mlwarden-") or script.removeprefix("mlwarden-") in hook_modules


def local_hooks(
    manifest: Sequence[Mapping[str, Any]] | None,
    hook_modules: Mapping[str, str],
    bin_dir: Path,
    python: str,
) -> list[dict[str, Any]]:
    """`repo: local` hooks mirroring the manifest (or, without one, the registry)."""
    if manifest is None:
        scripts = {name: bin_dir / f"mlwarden-{name}" for name in hook_modules}
        return [
            {
                "id": f"mlwarden-{name}",
                "name": f"mlwarden {name}",
                "entry": str(scripts[name])
                if scripts[name].is_file()
                else module_command(python, module),
                "language": "system",
            }
            for name, module in hook_modules.items()
        ]
    hooks = []
    for entry in manifest:
        if not runs_at_commit(entry) or not is_built(str(entry["entry"]), hook_modules):
            continue
        hook: dict[str, Any] = {"id": entry["id"]}
        hook.update({k: entry[k] for k in _KEPT_KEYS if k in entry})
        hook["entry"] = resolve_entry(str(entry["entry"]), bin_dir, hook_modules, python)
        hook["language"] = "system"
        hooks.append(hook)
    return hooks


def local_config(hooks: Iterable[Mapping[str, Any]]) -> str:
    return yaml.safe_dump(
        {"repos": [{"repo": "local", "hooks": [dict(h) for h in hooks]}]},
        sort_keys=False,
    )


def remote_config(
    repo: str,
    rev: str,
    manifest: Sequence[Mapping[str, Any]],
    hook_modules: Mapping[str, str],
) -> str:
    hooks = [
        {"id": str(e["id"])}
        for e in manifest
        if runs_at_commit(e) and is_built(str(e["entry"]), hook_modules)
    ]
    return yaml.safe_dump({"repos": [{"repo": repo, "rev": rev, "hooks": hooks}]}, sort_keys=False)
