"""Inline suppression shared by every hook: `# mlwarden: ignore[ID, ...]`.

The comment names the rules it silences (a bare `ignore` silences nothing, so a
suppression never hides a rule it did not mean to). It applies to its own line and to
the line below it, in the version of the file that was judged (a commit's own blob for
`--commits`, not the work tree). Unused suppressions are reported on request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlwarden.core.findings import Confidence, Finding, Severity
from mlwarden.core.rules import Rule, RuleDoc

if TYPE_CHECKING:
    from mlwarden.core.sources import Source

# Suppressions are read from files up to this size; a larger file is read for findings
# in bounded pieces by its hooks, but a comment in it cannot silence them.
_MAX_READ = 16 * 1024 * 1024

IGNORE_COMMENT = re.compile(r"mlwarden:\s*ignore\[([A-Za-z0-9_\-,\s]*)\]")


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


_Key = tuple[str, "str | None"]  # (repository path, commit)


class SuppressionIndex:
    """The suppression comments of every judged file, each file read at most once."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self._sources: dict[_Key, Source] = {(s.path, s.commit): s for s in sources}
        self._parsed: dict[_Key, tuple[Suppression, ...]] = {}

    def get(self, key: _Key) -> tuple[Suppression, ...]:
        if key not in self._parsed:
            self._parsed[key] = self._read(key)
        return self._parsed[key]

    def _read(self, key: _Key) -> tuple[Suppression, ...]:
        source = self._sources.get(key)
        if source is None or source.size > _MAX_READ:
            return ()
        try:
            data = source.read_bytes()
        except Exception:  # unreadable files are reported by the hooks that read them
            return ()
        if b"mlwarden" not in data or b"\0" in data[:8192]:
            return ()
        return parse_suppressions(data.decode("utf-8", "replace").splitlines())

    def apply(
        self, findings: Iterable[Finding]
    ) -> tuple[list[Finding], set[tuple[_Key, int, str]]]:
        """Drop findings silenced inline; return which suppression silenced what."""
        kept: list[Finding] = []
        used: set[tuple[_Key, int, str]] = set()
        for finding in findings:
            loc = finding.location
            key = (loc.identity_path, loc.commit)
            hit = suppression_for(self.get(key), loc.line, finding.rule_id)
            if hit is not None:
                used.add((key, hit.line, finding.rule_id.upper()))
                continue
            kept.append(finding)
        return kept, used

    def files(self) -> Iterable[tuple[_Key, Source]]:
        return self._sources.items()


def unused_suppressions(
    index: SuppressionIndex, rules: Mapping[str, Rule], used: set[tuple[_Key, int, str]]
) -> list[Finding]:
    """MLW001 for each suppression that silenced nothing (or names no known rule).

    `rules` are the rules of the hooks that ran: a suppression for another hook's rule
    cannot be judged unused by this run."""
    from mlwarden.core.catalog import all_rules

    known = {rule_id.upper() for rule_id in all_rules()}
    found: list[Finding] = []
    for key, source in index.files():
        if source.commit is not None:
            continue  # a commit's comments are history: they cannot be edited any more
        for suppression in index.get(key):
            for rule_id in sorted(suppression.rule_ids):
                if rule_id not in known:
                    message = f"suppression names unknown rule {rule_id}; fix the id or remove it"
                elif rule_id not in rules or (key, suppression.line, rule_id) in used:
                    continue
                else:
                    message = f"unused suppression for {rule_id}; remove the comment"
                found.append(
                    source.finding(
                        UNUSED_SUPPRESSION, message, line=suppression.line, identity=(rule_id,)
                    )
                )
    return found
