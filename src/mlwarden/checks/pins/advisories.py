"""Pins inside the vulnerable range of an advisory that defeats mlwarden's own advice (PIN021).

The advisories are data (`advisories.toml`, shipped in the wheel): ids, affected ranges,
fixed versions and references, read once. Exact pins (`==`, `===`) in requirements and
constraints files, lock files and pyproject.toml are judged, and so are ranges that allow
nothing but affected versions (`torch>=2.1,<2.6`, `keras==3.7.*`): whichever version installs
is affected. A range that also allows a fixed release says nothing of what installs (PIN001
asks for a pin). Nothing is fetched: `pip-audit` is the general advisory check, this is the
offline subset that changes mlwarden's advice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from mlwarden.checks.pins.common import NAME, Sink, read
from mlwarden.checks.pins.interval import Interval, interval
from mlwarden.checks.pins.lock import locked_versions, parse_toml
from mlwarden.checks.pins.reqfile import ParsedFile
from mlwarden.checks.pins.specs import short
from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc
from mlwarden.core.sources import Snapshot

RULE_ID = "PIN021"
DATA_FILE = "advisories.toml"

RULE = Rule(
    id=RULE_ID,
    slug="pinned-version-defeats-safe-form",
    hook=NAME,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A pinned ML package version has a published advisory that defeats a safe form "
    "mlwarden recommends (torch weights_only, Keras safe_mode, trust_remote_code=False…).",
    cwe=(1395,),
    doc=RuleDoc(
        what="Reports exact pins (`==`/`===`) in requirements and constraints files, lock files "
        "(uv, poetry, pdm, pylock, Pipfile.lock) and pyproject.toml whose version is inside "
        "the affected range of an advisory in mlwarden's offline list: vulnerabilities in ML "
        "packages that make a safe form mlwarden recommends unsafe. A range that allows only "
        "affected versions (`torch>=2.1,<2.6`, `keras==3.7.*`) is reported too. The message "
        "names the advisory and the first release past every listed advisory of that package.",
        why="mlwarden's other rules accept `torch.load(..., weights_only=True)`, Keras "
        "`load_model` with safe mode, `from_pretrained` without `trust_remote_code`, the "
        "Jinja2 sandbox for chat templates, skops and ONNX as the safe forms. On the affected "
        "versions those forms are bypassed (e.g. CVE-2025-32434: torch <= 2.5.1 runs code "
        "from a checkpoint loaded with `weights_only=True`), so the pin itself is the risk. "
        "This is a small offline list, not a vulnerability database: run `pip-audit` "
        "(network) in CI for the rest.",
        example="torch==2.5.1\nkeras==3.7.0",
        instead="torch==2.6.0\nkeras==3.15.0\n# and in CI: pip-audit -r requirements.txt",
        references=(
            "https://github.com/advisories/GHSA-53q9-r3pm-6pq6",
            "https://github.com/advisories/GHSA-48g7-3x6r-xfhp",
            "https://github.com/pypa/pip-audit",
        ),
    ),
)


@dataclass(frozen=True)
class Advisory:
    ids: tuple[str, ...]
    packages: frozenset[str]
    vulnerable: tuple[SpecifierSet, ...]
    fixed: tuple[Version, ...]
    defeats: str
    summary: str
    references: tuple[str, ...]
    source: str

    def fixed_for(self, version: Version) -> Version | None:
        """The fixed release of the range `version` falls in, or None when not affected."""
        for spec, fixed in zip(self.vulnerable, self.fixed, strict=True):
            if spec.contains(version, prereleases=True):
                return fixed
        return None


def _advisory(raw: Mapping[str, Any]) -> Advisory:
    ids = tuple(raw["ids"])
    try:
        vulnerable = tuple(SpecifierSet(s) for s in raw["vulnerable"])
        fixed = tuple(Version(v) for v in raw["fixed"])
    except (InvalidSpecifier, InvalidVersion) as exc:
        raise ValueError(f"{ids[0]}: {exc}") from None
    if not ids or not raw["references"] or len(vulnerable) != len(fixed):
        raise ValueError(f"{ids[:1]}: needs ids, references and one fixed version per range")
    for spec, version in zip(vulnerable, fixed, strict=True):
        if spec.contains(version, prereleases=True):
            raise ValueError(f"{ids[0]}: fixed version {version} is inside {spec}")
    return Advisory(
        ids=ids,
        packages=frozenset(canonicalize_name(p) for p in raw["packages"]),
        vulnerable=vulnerable,
        fixed=fixed,
        defeats=str(raw["defeats"]),
        summary=str(raw["summary"]),
        references=tuple(raw["references"]),
        source=str(raw["source"]),
    )


@functools.lru_cache(maxsize=1)
def load() -> tuple[Advisory, ...]:
    """Every advisory of the shipped data file (read once; the data never changes at run)."""
    text = resources.files("mlwarden.checks.pins").joinpath(DATA_FILE).read_text("utf-8")
    return tuple(_advisory(raw) for raw in parse_toml(text).get("advisory", []))


def affecting(name: str, version: Version) -> list[tuple[Advisory, Version]]:
    """(advisory, its fixed version) for each advisory whose range holds `name==version`."""
    name = canonicalize_name(name)
    found = []
    for advisory in load():
        if name in advisory.packages:
            fixed = advisory.fixed_for(version)
            if fixed is not None:
                found.append((advisory, fixed))
    return found


def range_affected(name: str, allowed: Interval) -> list[tuple[Advisory, Version]]:
    """(advisory, its fixed version) for each advisory whose range holds every version of
    `allowed` (nothing when it also holds an unaffected release)."""
    name = canonicalize_name(name)
    found = []
    for advisory in load():
        if name not in advisory.packages:
            continue
        for vulnerable, fixed in zip(advisory.vulnerable, advisory.fixed, strict=True):
            affected = interval(vulnerable)
            if affected is not None and allowed.within(affected):
                found.append((advisory, fixed))
                break
    return found


def first_safe(name: str, version: Version, *, inclusive: bool = False) -> Version | None:
    """The lowest fixed version above `version` (or at it, `inclusive`) that no listed
    advisory affects."""
    name = canonicalize_name(name)
    candidates = sorted(
        {
            f
            for a in load()
            if name in a.packages
            for f in a.fixed
            if f > version or (inclusive and f == version)
        }
    )
    return next((v for v in candidates if not affecting(name, v)), None)


def message(
    name: str,
    written: str,
    found: list[tuple[Advisory, Version]],
    safe: Version | None,
    verb: str = "is affected by",
) -> str:
    """`written` is the requirement as reported (`torch==2.5.1`, `torch<2.6`)."""
    upgrade = f"Upgrade to {name}>={safe}" if safe else f"No listed release of {name} fixes it"
    if len(found) == 1:
        advisory, fixed = found[0]
        return (
            f"`{written}` {verb} {' / '.join(advisory.ids[:2])} (fixed in "
            f"{fixed}): {advisory.summary.rstrip('.')}; this defeats {advisory.defeats}. "
            f"{upgrade}, and run `pip-audit` for every other advisory"
        )
    listed = ", ".join(f"{a.ids[0]} (fixed in {fixed})" for a, fixed in found)
    defeats = "; ".join(dict.fromkeys(a.defeats for a, _ in found))
    return (
        f"`{written}` {verb} {len(found)} advisories that defeat "
        f"{defeats}: {listed}. {upgrade}, and run `pip-audit` for every other advisory"
    )


def check_pin(sink: Sink, path: str, line: int, name: str, pinned: str) -> None:
    try:
        version = Version(pinned)
    except InvalidVersion:
        return  # not a PEP 440 version (a `===` legacy string): no range can hold it
    found = affecting(name, version)
    if found:
        canonical = canonicalize_name(name)
        written = f"{canonical}=={short(pinned)}"
        text = message(canonical, written, found, first_safe(canonical, version))
        sink.add(RULE_ID, path, line, text, f"{canonical}|{pinned}")


def check_range(sink: Sink, path: str, line: int, name: str, spec: SpecifierSet) -> None:
    """A range every allowed version of which an advisory affects: whatever installs is."""
    allowed = interval(spec)
    if allowed is None or allowed.is_empty() or allowed.upper is None:
        return
    found = range_affected(name, allowed)
    if not found:
        return
    canonical = canonicalize_name(name)
    bound = allowed.upper
    safe = first_safe(canonical, bound.version, inclusive=not bound.inclusive)
    verb = "allows only versions affected by"
    text = message(canonical, f"{canonical}{spec}", found, safe, verb)
    sink.add(RULE_ID, path, line, text, f"{canonical}|{spec}")


def check_requirement(sink: Sink, path: str, line: int, spec: str) -> None:
    """One requirement string: its exact pin, else its range."""
    try:
        req = Requirement(spec)
    except InvalidRequirement:
        return  # reported by the requirements checks
    if req.url:
        return
    pinned = next(
        (
            item.version
            for item in req.specifier
            if item.operator in ("==", "===") and not item.version.endswith(".*")
        ),
        None,
    )
    if pinned is not None:
        check_pin(sink, path, line, req.name, pinned)
    elif req.specifier:
        check_range(sink, path, line, req.name, req.specifier)


# --- where pins are written ----------------------------------------------------------------


def scan_requirements(parsed: Mapping[str, ParsedFile | None], sink: Sink) -> None:
    """Requirements and constraints files, as the requirements checks parsed them (includes
    followed): each exact pin."""
    for path, parsed_file in parsed.items():
        for entry in parsed_file.entries if parsed_file else ():
            check_requirement(sink, path, entry.line, entry.spec)


_TOML_NAME = re.compile(r"""^\s*name\s*=\s*["']([^"']+)["']""")
_JSON_KEY = re.compile(r"""^\s*"([^"]+)"\s*:\s*\{""")


def _lock_lines(path: str, text: str) -> dict[str, int]:
    """Canonical name -> line of its entry. Lock parsers give no positions; every lock
    format starts a package's entry with its name on a line of its own."""
    pattern = _JSON_KEY if path.endswith("Pipfile.lock") else _TOML_NAME
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            lines.setdefault(canonicalize_name(match.group(1)), number)
    return lines


def scan_lock(path: str, files: Snapshot, max_bytes: int, sink: Sink) -> None:
    """Every locked version (a lock pins everything it lists)."""
    versions = locked_versions(path, files, max_bytes, sink)
    text = read(path, files, max_bytes, sink) if versions else None
    if not versions or text is None:
        return
    lines = _lock_lines(path, text)
    for name, found in sorted(versions.items()):
        for version in sorted(v for v in found if v):
            check_pin(sink, path, lines.get(name, 1), name, version)


def _pyproject_deps(data: Mapping[str, Any]) -> Iterator[str]:
    project = data.get("project")
    project = project if isinstance(project, dict) else {}
    groups: list[Any] = [project.get("dependencies")]
    for table in (project.get("optional-dependencies"), data.get("dependency-groups")):
        groups += list(table.values()) if isinstance(table, dict) else []
    for group in groups:
        yield from (dep for dep in group or () if isinstance(dep, str))


def scan_pyproject(path: str, files: Snapshot, max_bytes: int, sink: Sink) -> None:
    """Exact pins in `[project]` dependencies, optional dependencies and dependency groups
    (errors in the file are reported by the pyproject checks)."""
    text = read(path, files, max_bytes, sink)
    if text is None:
        return
    try:
        data = parse_toml(text)
    except ValueError:
        return
    lines = text.splitlines()
    for dep in _pyproject_deps(data):
        line = next((n for n, t in enumerate(lines, 1) if dep in t), 1)
        check_requirement(sink, path, line, dep)
