"""A versioned JSON envelope, independent of internal types: renaming a field in code
must not break the dashboards that read it."""

from __future__ import annotations

import json
from typing import Any

from mlwarden import __version__
from mlwarden.core.findings import Finding, ScanError
from mlwarden.core.runner import ScanReport

SCHEMA_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule_id": finding.rule_id,
        "hook": finding.hook,
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "message": finding.message,
        "path": loc.path,
        "repo_path": loc.identity_path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "commit": loc.commit,
        "member": loc.member,
        "fingerprint": finding.fingerprint,
        "related_rule_ids": list(finding.related_rule_ids),
    }


def error_to_dict(error: ScanError) -> dict[str, str]:
    return {"path": error.path, "message": error.message, "hook": error.hook}


def render(report: ScanReport) -> str:
    envelope = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "mlwarden", "version": __version__, "hooks": list(report.hooks)},
        "files_scanned": report.files_scanned,
        "findings": [finding_to_dict(f) for f in report.findings],
        "errors": [error_to_dict(e) for e in report.errors],
        "notices": list(report.notices),
        # What the exit code is made of: a consumer need not recompute it.
        "summary": {
            "failing": report.failing,
            "failing_findings": report.failing_findings,
            "failing_errors": report.failing_errors,
            "failed_hooks": list(report.failed_hooks),
        },
    }
    return json.dumps(envelope, indent=2, sort_keys=False) + "\n"
