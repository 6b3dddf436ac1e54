"""The manifest, the console scripts, the README's hook table and the registry agree."""

from __future__ import annotations

import re
import sys

import yaml

from mlwarden.core.hooks import HOOK_MODULES
from tests.conftest import REPO_ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def manifest() -> list[dict[str, object]]:
    loaded = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    assert isinstance(loaded, list)
    return loaded


def test_every_registered_hook_has_one_manifest_entry_and_script() -> None:
    entries = manifest()
    ids = [str(e["id"]) for e in entries]
    assert len(ids) == len(set(ids))
    expected = sorted(f"mlwarden-{name}" for name in HOOK_MODULES)
    # branch-guard ships a second entry for the pre-push stage.
    assert sorted(i for i in ids if not i.endswith("-push")) == expected
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    for entry in entries:
        assert entry["entry"] in scripts, entry["id"]
        assert entry["language"] == "python"
        assert "minimum_pre_commit_version" in entry
    for name in HOOK_MODULES:
        assert scripts[f"mlwarden-{name}"] == f"mlwarden.entrypoints:{name.replace('-', '_')}"


def test_readme_hook_table_lists_exactly_the_manifest() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    table_ids = set(re.findall(r"^\| `(mlwarden-[a-z-]+)` \|", readme, re.MULTILINE))
    assert table_ids == {str(e["id"]) for e in manifest()}


def test_pins_manifest_pattern_is_the_one_the_hook_uses() -> None:
    from mlwarden.checks import pins

    entry = next(e for e in manifest() if e["id"] == "mlwarden-pins")
    assert entry["files"] == pins.MANIFEST_FILES
