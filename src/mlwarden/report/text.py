"""`path:line:col: ID [severity] message` — one finding a line, silent on success.

What a maintainer reads first is what matters most: findings come most severe first (in
file order within a severity), and a rule with many findings (unpinned requirements in a
repository of notebooks) shows its first few locations and a count instead of burying
everything else. JSON and SARIF always carry every finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlwarden.core.findings import Finding, ScanError, Severity
from mlwarden.core.runner import ScanReport

_COLOURS = {
    Severity.INFO: "\033[36m",
    Severity.LOW: "\033[34m",
    Severity.MEDIUM: "\033[33m",
    Severity.HIGH: "\033[31m",
    Severity.CRITICAL: "\033[1;31m",
}
_RESET = "\033[0m"


def format_finding(finding: Finding, *, colour: bool = False) -> str:
    loc = finding.location
    where = f"{loc.path}:{loc.line}:{loc.column}"
    severity = f"[{finding.severity.label}]"
    if colour:
        severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
    suffix = f" (commit {loc.commit[:12]})" if loc.commit else ""
    return f"{where}: {finding.rule_id} {severity} {finding.message}{suffix}"


def format_error(error: ScanError) -> str:
    hook = f" [{error.hook}]" if error.hook else ""
    path = error.path or "<scan>"
    return f"{path}: error{hook}: {error.message}"


# A rule with more findings than FOLD_AFTER shows its first SHOWN and a count.
FOLD_AFTER = 10
SHOWN = 3


def _order(finding: Finding) -> tuple[int, str, int, int, str, str]:
    loc = finding.location
    return (-finding.severity, loc.path, loc.line, loc.column, finding.rule_id, loc.commit or "")


def render(
    findings: Sequence[Finding],
    *,
    colour: bool = False,
    fold_after: int = FOLD_AFTER,
    shown: int = SHOWN,
) -> str:
    """Most severe first; a rule with more than `fold_after` findings (0: never fold) shows
    its first `shown` together, then one line counting the rest."""
    ordered = sorted(findings, key=_order)
    per_rule: dict[tuple[str, Severity], list[Finding]] = {}
    for finding in ordered:
        per_rule.setdefault((finding.rule_id, finding.severity), []).append(finding)
    out: list[str] = []
    placed: set[tuple[str, Severity]] = set()
    for finding in ordered:
        key = (finding.rule_id, finding.severity)
        group = per_rule[key]
        if not fold_after or len(group) <= fold_after:
            out.append(format_finding(finding, colour=colour))
            continue
        if key in placed:
            continue
        placed.add(key)
        out += [format_finding(f, colour=colour) for f in group[:shown]]
        out.append(_fold_line(group, shown, colour=colour))
    return "".join(line + "\n" for line in out)


def _fold_line(group: Sequence[Finding], shown: int, *, colour: bool) -> str:
    first = group[0]
    severity = f"[{first.severity.label}]"
    if colour:
        severity = f"{_COLOURS[first.severity]}{severity}{_RESET}"
    files = len({f.location.path for f in group})
    where = f"{files} files" if files > 1 else "1 file"
    return (
        f"  ... {first.rule_id} {severity} {len(group) - shown} more like the {shown} above "
        f"({len(group)} in {where}); every one is in `--format json` and `--format sarif`"
    )


def render_errors(errors: Sequence[ScanError]) -> str:
    return "".join(format_error(e) + "\n" for e in errors)


def render_notices(report: ScanReport) -> str:
    """What the user must know besides findings: nothing judged, errors that fail the run."""
    lines = [f"mlwarden: {notice}" for notice in report.notices]
    if report.failing_errors:
        lines.append(
            f"mlwarden: {report.failing_errors} error(s): what could not be judged fails the "
            'run (set `errors = "warn"` in [tool.mlwarden] to report without failing)'
        )
    return "".join(line + "\n" for line in lines)
