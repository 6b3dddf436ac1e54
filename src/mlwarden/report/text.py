"""`path:line:col: ID [severity] message` — one finding a line, silent on success."""

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


def render(findings: Sequence[Finding], *, colour: bool = False) -> str:
    return "".join(format_finding(f, colour=colour) + "\n" for f in findings)


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
