"""zizmor's offline audits merged into config-guard, when zizmor is installed.

zizmor is optional: nothing here runs when it is not on PATH, and config-guard's own
rules never depend on it. Audits our rules already cover are dropped so that one
problem is reported once, under our id.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlwarden.checks.config_guard.rules import CFG013, NAME
from mlwarden.core.executables import executable
from mlwarden.core.findings import Finding, ScanError, Severity
from mlwarden.core.sources import Source, on_disk

# template-injection: CFG002; excessive-permissions: CFG003/CFG004; dangerous-triggers:
# CFG001 (ours flags the trigger only with a PR checkout); unpinned-uses: the pins hook.
COVERED = frozenset(
    {"template-injection", "excessive-permissions", "dangerous-triggers", "unpinned-uses"}
)
SEVERITIES = {
    "informational": Severity.INFO,
    "unknown": Severity.INFO,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
}
TIMEOUT_SECONDS = 120
# What is merged: findings zizmor itself rates at least medium in severity and in
# confidence. Below that are hardening notes (`self-repository`, `superfluous-actions`,
# `use-trusted-publishing`) and guesses zizmor marks low-confidence (`artipacked` on every
# checkout without `persist-credentials: false`, whether or not anything uploads the
# workspace): on real ML repositories those were the bulk of its output and none was a risk.
LEVELS = {"informational": 0, "unknown": 0, "low": 1, "medium": 2, "high": 3}
MIN_SEVERITY = LEVELS["medium"]
MIN_CONFIDENCE = LEVELS["medium"]


def run_zizmor(workflows: Sequence[Source]) -> tuple[list[Finding], list[ScanError]]:
    """zizmor's findings for the workflows; a workflow zizmor cannot audit is that
    workflow's error, and never turns the others' results into "no findings"."""
    exe = executable("zizmor")
    if exe is None or not workflows:
        return [], []
    with tempfile.TemporaryDirectory(prefix="mlwarden-zizmor-") as tmp:
        by_path = {str(on_disk(s, Path(tmp), i)): s for i, s in enumerate(workflows)}
        outcome = _audit(exe, list(by_path))
        if isinstance(outcome, str) and len(by_path) > 1:
            # One file zizmor rejects fails the whole call: audit each on its own.
            findings: list[Finding] = []
            errors: list[ScanError] = []
            for path, source in by_path.items():
                alone = _audit(exe, [path])
                if isinstance(alone, str):
                    errors.append(source.error(NAME, f"zizmor could not audit it: {alone}"))
                else:
                    findings.extend(_findings(alone, by_path))
            return findings, errors
    if isinstance(outcome, str):
        source = next(iter(by_path.values()))
        return [], [source.error(NAME, f"zizmor could not audit it: {outcome}")]
    return _findings(outcome, by_path), []


def _audit(exe: str, paths: list[str]) -> list[Any] | str:
    """zizmor's JSON results, or why it failed (its exit code 1 is an error; 0 and 10-14
    mean it ran, with or without findings)."""
    # --strict-collection: a workflow zizmor cannot load fails the call instead of being
    # skipped with a warning nobody reads; run_zizmor then isolates it.
    cmd = [exe, "--offline", "--no-progress", "--strict-collection", "--format", "json", *paths]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{type(exc).__name__}: {exc}"
    if done.returncode not in (0, *range(10, 15)):
        return _reason(done.stderr) or f"exit code {done.returncode}"
    try:
        results = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        return "output is not JSON"
    return results if isinstance(results, list) else "output is not a list"


def _reason(stderr: str) -> str:
    """The first cause zizmor gives for a failure, without its backtrace."""
    lines = [line.strip() for line in stderr.splitlines()]
    for index, line in enumerate(lines):
        if line == "Caused by:":
            cause = next((text for text in lines[index + 1 :] if text), "")
            return cause.removeprefix("0: ").strip()
    failed = [line for line in lines if line.startswith(("failed", "fatal", "error"))]
    return failed[-1] if failed else ""


def _findings(results: list[Any], by_path: dict[str, Source]) -> list[Finding]:
    found = []
    for result in results:
        finding = _finding(result, by_path) if isinstance(result, dict) else None
        if finding is not None:
            found.append(finding)
    return found


def _finding(result: dict[str, Any], by_path: dict[str, Source]) -> Finding | None:
    ident = str(result.get("ident", ""))
    if not ident or ident in COVERED or result.get("ignored"):
        return None
    determinations = result.get("determinations") or {}
    severity_name = str(determinations.get("severity", "medium")).lower()
    confidence_name = str(determinations.get("confidence", "medium")).lower()
    if (
        LEVELS.get(severity_name, 0) < MIN_SEVERITY
        or LEVELS.get(confidence_name, 0) < MIN_CONFIDENCE
    ):
        return None
    try:
        location = result["locations"][0]
        path = location["symbolic"]["key"]["Local"]["verbatim_path"]
        start = location["concrete"]["location"]["start_point"]
        line, column = int(start["row"]) + 1, int(start["column"]) + 1
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    source = by_path.get(path)
    if source is None:
        return None
    note = location.get("symbolic", {}).get("annotation") or ""
    message = f"zizmor {ident}: {result.get('desc', '')}" + (f" ({note})" if note else "")
    url = result.get("url")
    if url:
        message += f"; see {url}"
    return source.finding(
        CFG013,
        message,
        line=line,
        column=column,
        identity=(ident, note),
        severity=SEVERITIES.get(severity_name, Severity.MEDIUM),
    )
