"""Dependency pins: pinned, hashed, locked, and no confusable indexes or names.

Checks requirements/constraints files (following `-r`/`-c`), pyproject.toml against its
lock file, conda environment files, Dockerfiles, GitHub Actions workflows and
`.pre-commit-config.yaml`. Each file is parsed once; nothing is fetched or executed.
"""

from __future__ import annotations

import fnmatch
import posixpath
from pathlib import Path

from mlwarden.checks.pins import rules as pins_rules
from mlwarden.checks.pins.common import NAME, Options, Sink
from mlwarden.checks.pins.lock import LOCK_FILES
from mlwarden.core.findings import HookResult
from mlwarden.core.hooks import Hook, ScanContext
from mlwarden.core.rules import Rule

# The `files:` pattern of the pre-commit manifest entry: the same names `classify` picks,
# so pre-commit does not start the hook for files it would ignore (tested to agree).
MANIFEST_FILES = (
    r"(?i)(^|/)((([^/]*requirements[^/]*|[^/]*constraints[^/]*)\.(txt|in))"
    r"|requirements(\.d)?/[^/]*\.txt|pyproject\.toml|uv\.lock|poetry\.lock|pdm\.lock"
    r"|pylock\.toml|pipfile\.lock|environment[^/]*\.ya?ml|(dockerfile|containerfile)[^/]*"
    r"|[^/]*\.dockerfile|\.pre-commit-config\.ya?ml|\.github/workflows/[^/]*\.ya?ml"
    r"|action\.ya?ml)$"
)


def _rules() -> tuple[Rule, ...]:
    return pins_rules.RULES


def classify(path: str) -> str | None:
    """Which parser a path needs, by name only (fast: most files are none of ours)."""
    base = posixpath.basename(path)
    lower = base.lower()
    parent = posixpath.basename(posixpath.dirname(path)).lower()
    if lower.endswith((".txt", ".in")) and (
        "requirements" in lower
        or "constraints" in lower
        or parent in ("requirements", "requirements.d")
    ):
        return "requirements"
    if base == "pyproject.toml":
        return "pyproject"
    if base in LOCK_FILES:
        return "lock"
    if fnmatch.fnmatch(lower, "environment*.y*ml") and lower.endswith((".yml", ".yaml")):
        return "conda"
    if lower.startswith(("dockerfile", "containerfile")) or lower.endswith(".dockerfile"):
        return "docker"
    if lower in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
        return "precommit"
    if lower.endswith((".yml", ".yaml")) and (
        f"/{path}".find("/.github/workflows/") >= 0 or lower in ("action.yml", "action.yaml")
    ):
        return "workflow"
    return None


def run(ctx: ScanContext, options: Options) -> HookResult:
    from mlwarden.checks.pins import actions as pins_actions
    from mlwarden.checks.pins import conda as pins_conda
    from mlwarden.checks.pins import docker as pins_docker
    from mlwarden.checks.pins import pyproject as pins_pyproject
    from mlwarden.checks.pins.requirements import RequirementsScan
    from mlwarden.checks.pins.specs import SpecChecker
    from mlwarden.checks.pins.typosquat import NameChecker

    groups: dict[str, list[str]] = {}
    for path in ctx.files:
        kind = classify(path)
        if kind is not None:
            groups.setdefault(kind, []).append(path)
    sink = Sink({rule.id: rule for rule in pins_rules.RULES})
    if not groups:
        return HookResult()
    specs = SpecChecker(sink, options, NameChecker.load())
    max_bytes = ctx.config.max_file_size
    requirement_files = list(groups.get("requirements", []))
    conda_includes: list[str] = []
    for path in groups.get("conda", []):
        conda_includes += pins_conda.scan(path, ctx.root, max_bytes, specs)
    RequirementsScan(ctx.root, max_bytes, sink, specs).run(requirement_files + conda_includes)
    pyprojects = list(groups.get("pyproject", []))
    for lock in groups.get("lock", []):
        # A lock file changed alone still has to match its pyproject.toml.
        sibling = posixpath.join(posixpath.dirname(lock), "pyproject.toml")
        if Path(sibling).is_file() and sibling not in pyprojects:
            pyprojects.append(sibling)
    for path in pyprojects:
        pins_pyproject.scan(path, ctx.root, max_bytes, specs)
    for path in groups.get("docker", []):
        pins_docker.scan(path, ctx.root, max_bytes, specs)
    for path in groups.get("workflow", []):
        pins_actions.scan_workflow(path, ctx.root, max_bytes, specs)
    for path in groups.get("precommit", []):
        pins_actions.scan_precommit(path, ctx.root, max_bytes, specs)
    findings = tuple(sorted(set(sink.findings), key=lambda f: f.sort_key()))
    return HookResult(findings=findings, errors=tuple(sorted(set(sink.errors))))


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run)
