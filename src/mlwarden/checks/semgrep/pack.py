"""The ML semgrep rule pack: where it lives, and its YAML metadata as `Rule` objects.

Each rule file `semgrep-rules/<family>/<SGxxx>.yaml` holds one semgrep rule whose
`metadata` carries everything mlwarden needs (slug, severity, confidence, CWE, the
documentation sections, and the bandit tests that flag the same line). This module only
reads YAML: `mlwarden rules` and `explain` call it, so it never starts semgrep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import mlwarden
from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "semgrep"
RULE_ID = re.compile(r"^SG\d{3}$")
CWE_TEXT = re.compile(r"^CWE-(\d+): \S")
LEVELS = ("LOW", "MEDIUM", "HIGH")
REQUIRED_METADATA = (
    "slug",
    "mlwarden-severity",
    "confidence",
    "likelihood",
    "impact",
    "cwe",
    "references",
    "technology",
    "docs",
)
DOC_SECTIONS = ("what", "why", "example", "instead")
# semgrep's own severities, used for rules (maintainers' packs) without our metadata.
SEMGREP_SEVERITY = {"ERROR": Severity.HIGH, "WARNING": Severity.MEDIUM, "INFO": Severity.LOW}


class PackError(ValueError):
    """A rule file that cannot be read or lacks the metadata mlwarden needs."""


@dataclass(frozen=True)
class PackRule:
    rule: Rule
    path: Path


def pack_dir() -> Path:
    """The shipped pack: inside the wheel, else the source checkout (editable install)."""
    package = Path(mlwarden.__file__).resolve().parent
    installed = package / "semgrep_rules"
    if installed.is_dir():
        return installed
    for parent in package.parents:
        candidate = parent / "semgrep-rules"
        if candidate.is_dir():
            return candidate
    raise PackError(f"the semgrep rule pack is missing (looked in {installed})")


def rule_files(folder: Path) -> list[Path]:
    """Rule YAML files under `folder`, as `semgrep --config <folder>` loads them."""
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _safe_load(text: str) -> Any:
    # libyaml is ~10x faster, and `mlwarden rules` reads every rule file.
    if hasattr(yaml, "CSafeLoader"):
        return yaml.load(text, Loader=yaml.CSafeLoader)
    return yaml.safe_load(text)  # pragma: no cover - PyYAML built without libyaml


def load_yaml_rules(path: Path) -> list[Mapping[str, Any]]:
    try:
        data = _safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise PackError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from None
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise PackError(f"{path}: no 'rules' list")
    return rules


def short_rule_id(check_id: str) -> str:
    """semgrep prefixes ids with the config's dotted folders: keep the last component."""
    return check_id.rsplit(".", 1)[-1]


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    if isinstance(value, str):
        return (value,)
    return ()


def _cwe_numbers(values: Iterable[str]) -> tuple[int, ...]:
    numbers = []
    for value in values:
        match = CWE_TEXT.match(value) or re.match(r"^CWE-(\d+)", value)
        if match:
            numbers.append(int(match.group(1)))
    return tuple(numbers)


def rule_from_yaml(raw: Mapping[str, Any], *, hook: str = NAME) -> Rule:
    """Build a `Rule` from one semgrep rule; tolerant, for maintainers' packs too."""
    rule_id = short_rule_id(str(raw.get("id", "")))
    meta = _mapping(raw.get("metadata"))
    docs = _mapping(meta.get("docs"))
    message = " ".join(_text(raw.get("message")).split())
    try:
        severity = Severity.parse(str(meta["mlwarden-severity"]))
    except (KeyError, ValueError):
        severity = SEMGREP_SEVERITY.get(str(raw.get("severity", "")).upper(), Severity.MEDIUM)
    try:
        confidence = Confidence.parse(str(meta.get("confidence", "MEDIUM")))
    except ValueError:
        confidence = Confidence.MEDIUM
    summary = message.split(". ")[0].rstrip(".") + "." if message else rule_id
    return Rule(
        id=rule_id,
        slug=str(meta.get("slug") or rule_id.lower()),
        hook=hook,
        severity=severity,
        confidence=confidence,
        summary=summary,
        doc=RuleDoc(
            what=_text(docs.get("what")) or message,
            why=_text(docs.get("why")),
            example=_text(docs.get("example")),
            instead=_text(docs.get("instead")),
            references=_strings(meta.get("references")),
        ),
        cwe=_cwe_numbers(_strings(meta.get("cwe"))),
        tags=_strings(meta.get("technology")),
        equivalents=_strings(meta.get("bandit-equivalent")),
    )


def load_pack(folder: Path, *, hook: str = NAME) -> tuple[PackRule, ...]:
    found: list[PackRule] = []
    for path in rule_files(folder):
        for raw in load_yaml_rules(path):
            found.append(PackRule(rule=rule_from_yaml(raw, hook=hook), path=path))
    return tuple(found)


@lru_cache(maxsize=1)
def builtin_pack() -> tuple[PackRule, ...]:
    return tuple(sorted(load_pack(pack_dir()), key=lambda entry: entry.rule.id))


def validate_rule(path: Path, raw: Mapping[str, Any]) -> list[str]:
    """Problems with one of our rules' metadata and test file (empty when valid)."""
    problems: list[str] = []
    rule_id = str(raw.get("id", ""))
    where = f"{path.name}: {rule_id or '<no id>'}"
    if not RULE_ID.match(rule_id):
        problems.append(f"{where}: id must look like SG001")
    if path.stem != rule_id:
        problems.append(f"{where}: file must be named {rule_id}.yaml")
    for key in ("languages", "severity", "message"):
        if not raw.get(key):
            problems.append(f"{where}: missing {key}")
    meta = raw.get("metadata")
    if not isinstance(meta, dict):
        return [*problems, f"{where}: missing metadata"]
    problems += [
        f"{where}: metadata.{key} missing" for key in REQUIRED_METADATA if not meta.get(key)
    ]
    if str(meta.get("mlwarden-severity", "")).upper() not in Severity.__members__:
        problems.append(
            f"{where}: metadata.mlwarden-severity must be info|low|medium|high|critical"
        )
    for key in ("confidence", "likelihood", "impact"):
        if meta.get(key) not in LEVELS:
            problems.append(f"{where}: metadata.{key} must be one of {', '.join(LEVELS)}")
    for cwe in _strings(meta.get("cwe")):
        if not CWE_TEXT.match(cwe):
            problems.append(f"{where}: cwe {cwe!r} must read 'CWE-<n>: <name>'")
    for ref in _strings(meta.get("references")):
        if not ref.startswith("https://"):
            problems.append(f"{where}: reference {ref!r} must be an https:// URL")
    for bandit_id in _strings(meta.get("bandit-equivalent")):
        if not re.match(r"^B\d{3}$", bandit_id):
            problems.append(f"{where}: bandit-equivalent {bandit_id!r} is not a bandit test id")
    docs = meta.get("docs")
    if not isinstance(docs, dict) or any(not _text(docs.get(k)) for k in DOC_SECTIONS):
        problems.append(f"{where}: metadata.docs needs {', '.join(DOC_SECTIONS)}")
    tests = [p for p in path.parent.glob(f"{path.stem}.*") if p.suffix not in (".yaml", ".yml")]
    if not tests:
        problems.append(f"{where}: no test file {path.stem}.py beside the rule")
    else:
        text = tests[0].read_text(encoding="utf-8")
        if f"ruleid: {rule_id}" not in text or f"ok: {rule_id}" not in text:
            problems.append(
                f"{where}: test file needs '# ruleid: {rule_id}' and '# ok: {rule_id}' lines"
            )
    return problems


def validate_pack(folder: Path) -> list[str]:
    """Offline metadata checks for a pack (the part of `semgrep --validate` we need)."""
    problems: list[str] = []
    seen: dict[str, Path] = {}
    for path in rule_files(folder):
        try:
            raws = load_yaml_rules(path)
        except PackError as exc:
            problems.append(str(exc))
            continue
        for raw in raws:
            problems += validate_rule(path, raw)
            rule_id = str(raw.get("id", ""))
            if rule_id in seen:
                problems.append(
                    f"{path.name}: duplicate id {rule_id} (also in {seen[rule_id].name})"
                )
            seen[rule_id] = path
    return problems
