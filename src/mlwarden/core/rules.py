"""The registry of rule metadata: every rule declared once, beside its check.

Hook modules declare their rules as module-level `RULES` tuples of `Rule`; the semgrep
pack's rules are read from their YAML metadata. This module only collects them, so
`mlwarden explain`, `mlwarden rules`, the reports and the generated `docs/rules/`
all read the same source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mlwarden.core.findings import Confidence, Severity


@dataclass(frozen=True)
class RuleDoc:
    """The fixed sections of a rule's documentation page."""

    what: str
    why: str
    example: str
    instead: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    slug: str
    hook: str
    severity: Severity
    confidence: Confidence
    summary: str
    doc: RuleDoc
    cwe: tuple[int, ...] = ()
    tags: tuple[str, ...] = field(default=())
    # Ids of other hooks' rules that flag the same risk on the same line (e.g. a semgrep
    # rule and bandit's B614): `mlwarden scan` shows such a pair once.
    equivalents: tuple[str, ...] = field(default=())

    def markdown(self) -> str:
        """The rule's documentation page, also used as SARIF help text."""
        cwe = ", ".join(f"CWE-{n}" for n in self.cwe) or "none"
        refs = "\n".join(f"- {ref}" for ref in self.doc.references) or "- none"
        return (
            f"# {self.id}: {self.slug}\n\n"
            f"{self.summary}\n\n"
            f"- hook: `{self.hook}`\n"
            f"- severity: {self.severity.label}\n"
            f"- confidence: {self.confidence.label}\n"
            f"- CWE: {cwe}\n\n"
            f"## What it does\n\n{self.doc.what.strip()}\n\n"
            f"## Why is this bad\n\n{self.doc.why.strip()}\n\n"
            f"## Example\n\n```\n{self.doc.example.strip()}\n```\n\n"
            f"## Use instead\n\n```\n{self.doc.instead.strip()}\n```\n\n"
            f"## References\n\n{refs}\n"
        )


def index_rules(rules: Iterable[Rule]) -> Mapping[str, Rule]:
    """Map ids to rules, refusing duplicates: a rule id is never reused."""
    by_id: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in by_id:
            raise ValueError(f"duplicate rule id {rule.id}")
        by_id[rule.id] = rule
    return by_id
