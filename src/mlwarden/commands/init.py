"""`mlwarden init`: add mlwarden to a repository without clobbering what is there."""

from __future__ import annotations

import re
from pathlib import Path

from mlwarden.core.hooks import HOOK_MODULES

PROJECT_URL = "https://github.com/mlwarden/mlwarden"

CONFIG_TABLE = """
[tool.mlwarden]
# Every key is optional; `mlwarden explain ID` documents each rule.
# exclude = ["tests/fixtures/**"]     # globs never scanned by any hook
# disable = []                        # rule ids turned off everywhere
# min-severity = "low"                # findings below this are notes that do not fail

# [tool.mlwarden.branch-guard]
# protected = ["main", "master", "release/*"]
"""


def pre_commit_block(repo_url: str, rev: str) -> str:
    lines = [f"  - repo: {repo_url}", f"    rev: {rev}", "    hooks:"]
    for name in HOOK_MODULES:
        lines.append(f"      - id: mlwarden-{name}")
        if name == "branch-guard":
            # the same guard at pre-push: every pushed ref, and the pushed commits scanned
            lines.append("      - id: mlwarden-branch-guard-push")
    return "\n".join(lines) + "\n"


def _ends_with_repos_list(text: str) -> bool:
    """True when `repos:` is the last top-level key, so an entry can be appended."""
    top_level = [m.group(1) for m in re.finditer(r"^([A-Za-z_][\w-]*)\s*:", text, re.MULTILINE)]
    return bool(top_level) and top_level[-1] == "repos"


def init_repository(root: Path, *, repo_url: str | None, rev: str) -> int:
    url = repo_url or PROJECT_URL
    block = pre_commit_block(url, rev)
    config_path = root / ".pre-commit-config.yaml"
    if not config_path.exists():
        header = "default_install_hook_types: [pre-commit, pre-push]\nrepos:\n"
        config_path.write_text(header + block, encoding="utf-8")
        print(f"created {config_path.name} with the mlwarden hooks")
    else:
        existing = config_path.read_text(encoding="utf-8", errors="replace")
        if "mlwarden-" in existing:
            print(f"{config_path.name} already runs mlwarden hooks; left unchanged")
        elif _ends_with_repos_list(existing):
            separator = "" if existing.endswith("\n") else "\n"
            config_path.write_text(existing + separator + block, encoding="utf-8")
            print(f"added the mlwarden hooks to {config_path.name}")
        else:
            print(f"{config_path.name} exists; add this entry under `repos:` yourself:\n{block}")

    pyproject = root / "pyproject.toml"
    dotfile = root / ".mlwarden.toml"
    if pyproject.exists():
        text = pyproject.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^\[tool\.mlwarden", text, re.MULTILINE):
            print("pyproject.toml already has [tool.mlwarden]; left unchanged")
        else:
            separator = "" if text.endswith("\n") else "\n"
            pyproject.write_text(text + separator + CONFIG_TABLE, encoding="utf-8")
            print("added a commented [tool.mlwarden] table to pyproject.toml")
    elif not dotfile.exists():
        dotfile.write_text(CONFIG_TABLE.lstrip(), encoding="utf-8")
        print("created .mlwarden.toml with a commented [tool.mlwarden] table")
    print(
        "next steps:\n"
        "  pip install pre-commit\n"
        "  pre-commit install --install-hooks   # installs the pre-commit and pre-push hooks\n"
        "  pre-commit run --all-files           # the first full scan\n"
        "  mlwarden explain ID                  # what a finding means and how to fix it"
    )
    return 0
