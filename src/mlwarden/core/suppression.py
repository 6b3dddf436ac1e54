"""Inline suppression shared by every hook: `# mlwarden: ignore[ID, ...]`.

The comment names the rules it silences (a bare `ignore` silences nothing, so a
suppression never hides a rule it did not mean to). It applies to its own line and to
the line below it. Unused suppressions are reported on request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

IGNORE_COMMENT = re.compile(r"mlwarden:\s*ignore\[([A-Za-z0-9_\-,\s]*)\]")
ALLOWLIST_PRAGMA = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)


@dataclass(frozen=True)
class Suppression:
    line: int
    rule_ids: frozenset[str]


def parse_suppressions(lines: Sequence[str]) -> tuple[Suppression, ...]:
    found: list[Suppression] = []
    for number, text in enumerate(lines, start=1):
        if "mlwarden" not in text:
            continue
        for match in IGNORE_COMMENT.finditer(text):
            ids = frozenset(
                part.strip().upper() for part in match.group(1).split(",") if part.strip()
            )
            if ids:
                found.append(Suppression(number, ids))
    return tuple(found)


def suppression_for(
    suppressions: Sequence[Suppression], line: int, rule_id: str
) -> Suppression | None:
    """The suppression that silences `rule_id` at `line` (same line or the line above)."""
    wanted = rule_id.upper()
    for suppression in suppressions:
        if suppression.line in (line, line - 1) and wanted in suppression.rule_ids:
            return suppression
    return None


def is_suppressed(lines: Sequence[str], line: int, rule_id: str) -> bool:
    """For hooks that suppress on their own (e.g. scanning a commit, not the work tree)."""
    window = [lines[i - 1] for i in (line - 1, line) if 1 <= i <= len(lines)]
    return suppression_for(parse_suppressions(window), len(window), rule_id) is not None


def has_allowlist_pragma(line_text: str) -> bool:
    """detect-secrets' marker, honoured by the secrets hook."""
    return ALLOWLIST_PRAGMA.search(line_text) is not None


UNUSED_SUPPRESSION = Rule(
    id="MLW001",
    slug="unused-suppression",
    hook="core",
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="An `# mlwarden: ignore[ID]` comment that silences nothing.",
    doc=RuleDoc(
        what=(
            "Reported by `mlwarden scan --report-unused-ignores`: a suppression comment whose "
            "rule id did not fire on its line or the line below, or names no known rule."
        ),
        why=(
            "Stale suppressions outlive the code they were written for and later hide a real "
            "finding that lands on the same line. A misspelt id silences nothing at all."
        ),
        example="x = 1  # mlwarden: ignore[SEC001]",
        instead="x = 1",
        references=("https://docs.astral.sh/ruff/rules/unused-noqa/",),
    ),
)

CORE_RULES: tuple[Rule, ...] = (UNUSED_SUPPRESSION,)
