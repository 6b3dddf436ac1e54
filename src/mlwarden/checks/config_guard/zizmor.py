"""zizmor's offline audits merged into config-guard, when zizmor is installed.

zizmor is optional: nothing here runs when it is not on PATH, and config-guard's own
rules never depend on it. Audits our rules already cover are dropped so that one
problem is reported once, under our id.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from typing import Any

from mlwarden.checks.config_guard.rules import CFG013, NAME
from mlwarden.core.findings import Finding, Location, ScanError, Severity, make_fingerprint

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


def run_zizmor(paths: Sequence[str]) -> tuple[list[Finding], list[ScanError]]:
    exe = shutil.which("zizmor")
    if exe is None or not paths:
        return [], []
    cmd = [exe, "--offline", "--no-progress", "--format", "json", *paths]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
        results = json.loads(done.stdout or "[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        return [], [ScanError("", f"zizmor did not run ({type(exc).__name__}); skipped", NAME)]
    if not isinstance(results, list):
        return [], []
    wanted = set(paths)
    findings = []
    for result in results:
        finding = _finding(result, wanted) if isinstance(result, dict) else None
        if finding is not None:
            findings.append(finding)
    return findings, []


def _finding(result: dict[str, Any], wanted: set[str]) -> Finding | None:
    ident = str(result.get("ident", ""))
    if not ident or ident in COVERED or result.get("ignored"):
        return None
    try:
        location = result["locations"][0]
        path = location["symbolic"]["key"]["Local"]["verbatim_path"]
        start = location["concrete"]["location"]["start_point"]
        line, column = int(start["row"]) + 1, int(start["column"]) + 1
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if path not in wanted:
        return None
    severity_name = str(result.get("determinations", {}).get("severity", "medium")).lower()
    note = location.get("symbolic", {}).get("annotation") or ""
    message = f"zizmor {ident}: {result.get('desc', '')}" + (f" ({note})" if note else "")
    url = result.get("url")
    if url:
        message += f"; see {url}"
    return Finding(
        rule_id=CFG013.id,
        message=message,
        location=Location(path=path, line=line, column=column),
        severity=SEVERITIES.get(severity_name, Severity.MEDIUM),
        confidence=CFG013.confidence,
        fingerprint=make_fingerprint(CFG013.id, path, ident, note),
        hook=NAME,
    )
