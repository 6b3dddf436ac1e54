"""Dependency pins: pinned, hashed, locked, and no confusable indexes or names.

Checks requirements/constraints files (following `-r`/`-c`), pyproject.toml against its
lock file, conda environment files, Dockerfiles, GitHub Actions workflows and
`.pre-commit-config.yaml`. Each file is parsed once; nothing is fetched or executed.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Sequence

from mlwarden.checks.pins import rules as pins_rules
from mlwarden.checks.pins.common import NAME, Options, Sink
from mlwarden.checks.pins.lock import LOCK_FILES
from mlwarden.core.findings import Finding, HookResult, ScanError
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Source

# The `files:` pattern of the pre-commit manifest entry: the same names `classify` picks,
# so pre-commit does not start the hook for files it would ignore (tested to agree).
MANIFEST_FILES = (
    r"(?i)(^|/)((([^/]*requirements[^/]*|[^/]*constraints[^/]*)\.(txt|in))"
    r"|requirements(\.d)?/[^/]*\.txt|pyproject\.toml|uv\.lock|poetry\.lock|pdm\.lock"
    r"|pylock\.toml|pipfile\.lock|environment[^/]*\.ya?ml|(dockerfile|containerfile)[^/]*"
    r"|[^/]*\.dockerfile|\.pre-commit-config\.ya?ml|\.github/workflows/[^/]*\.ya?ml"
    r"|action\.ya?ml|[^/]*\.ipynb)$"
)


def _rules() -> tuple[Rule, ...]:
    from mlwarden.checks.pins.advisories import RULE as ADVISORY_RULE

    return (*pins_rules.RULES, ADVISORY_RULE)


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
    if lower.endswith(".ipynb"):
        return "notebook"
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


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    from mlwarden.checks.pins import actions, advisories, conda, docker, notebooks, pyproject
    from mlwarden.checks.pins.requirements import RequirementsScan
    from mlwarden.checks.pins.specs import SpecChecker
    from mlwarden.checks.pins.typosquat import NameChecker

    options: Options = ctx.options
    findings: list[Finding] = []
    errors: list[ScanError] = []
    # Manifests include each other (`-r`, a lock beside its pyproject): each version of the
    # repository (work tree, or one commit) is judged on its own.
    by_version: dict[int, list[Source]] = {}
    for source in sources:
        if classify(source.path) is not None:
            by_version.setdefault(id(source.snapshot), []).append(source)
    for group in by_version.values():
        files = group[0].snapshot
        groups: dict[str, list[str]] = {}
        for source in group:
            groups.setdefault(classify(source.path) or "", []).append(source.path)
        sink = Sink({rule.id: rule for rule in _rules()}, files)
        specs = SpecChecker(sink, options, NameChecker.load())
        max_bytes = ctx.config.max_file_size
        conda_includes: list[str] = []
        for path in groups.get("conda", []):
            conda_includes += conda.scan(path, files, max_bytes, specs)
        requirement_files = list(groups.get("requirements", []))
        requirements = RequirementsScan(files, max_bytes, sink, specs)
        requirements.run(requirement_files + conda_includes)
        # Pins inside the range of an advisory that defeats a safe form we recommend.
        advisories.scan_requirements(requirements.parsed, sink)
        pyprojects = list(groups.get("pyproject", []))
        for lock in groups.get("lock", []):
            # A lock file changed alone still has to match its pyproject.toml.
            sibling = posixpath.join(posixpath.dirname(lock), "pyproject.toml")
            if files.exists(sibling) and sibling not in pyprojects:
                pyprojects.append(sibling)
        for path in pyprojects:
            pyproject.scan(path, files, max_bytes, specs)
            advisories.scan_pyproject(path, files, max_bytes, sink)
        for path in groups.get("lock", []):
            advisories.scan_lock(path, files, max_bytes, sink)
        for path in groups.get("docker", []):
            docker.scan(path, files, max_bytes, specs)
        for path in groups.get("workflow", []):
            actions.scan_workflow(path, files, max_bytes, specs)
        for path in groups.get("precommit", []):
            actions.scan_precommit(path, files, max_bytes, specs)
        for path in groups.get("notebook", []):
            notebooks.scan(path, files, max_bytes, specs)
        findings.extend(sink.findings)
        errors.extend(sink.errors)
    return HookResult(
        findings=tuple(sorted(set(findings), key=Finding.sort_key)),
        errors=tuple(sorted(set(errors))),
    )


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run)
