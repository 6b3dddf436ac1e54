"""SARIF 2.1.0 built by hand as plain dicts (no SDK): GitHub code scanning reads exactly
these fields, and the tests validate the output against the official schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mlwarden import __version__
from mlwarden.core.findings import Finding, Severity
from mlwarden.core.rules import Rule
from mlwarden.core.runner import ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/mlwarden/"

_LEVELS = {
    Severity.INFO: "note",
    Severity.LOW: "warning",
    Severity.MEDIUM: "warning",
    Severity.HIGH: "error",
    Severity.CRITICAL: "error",
}
# GitHub sorts alerts by this number (0.0-10.0).
_SECURITY_SEVERITY = {
    Severity.INFO: "1.0",
    Severity.LOW: "3.0",
    Severity.MEDIUM: "5.5",
    Severity.HIGH: "8.0",
    Severity.CRITICAL: "9.5",
}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    tags = ["security", *(f"external/cwe/cwe-{n}" for n in rule.cwe), *rule.tags]
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.what.strip()},
        "help": {"text": rule.markdown(), "markdown": rule.markdown()},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": tags,
            "precision": {1: "low", 2: "medium", 3: "high"}[int(rule.confidence)],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "hook": rule.hook,
        },
    }


def _result(finding: Finding, rule_index: Mapping[str, int]) -> dict[str, Any]:
    loc = finding.location
    region: dict[str, int] = {"startLine": max(1, loc.line), "startColumn": max(1, loc.column)}
    if loc.end_line is not None and loc.end_line >= loc.line:
        region["endLine"] = loc.end_line
        if loc.end_column is not None and (loc.end_line > loc.line or loc.end_column > loc.column):
            region["endColumn"] = loc.end_column
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    # Repository-relative: code scanning resolves it against the checkout.
                    "artifactLocation": {"uri": loc.identity_path or ".", "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"mlwarden/v1": finding.fingerprint},
        "properties": {
            "severity": finding.severity.label,
            "confidence": finding.confidence.label,
            "hook": finding.hook,
        },
    }
    if finding.rule_id in rule_index:
        result["ruleIndex"] = rule_index[finding.rule_id]
    if loc.commit:
        result["properties"]["commit"] = loc.commit
    if loc.member:
        result["properties"]["member"] = loc.member
    return result


def build(report: ScanReport, rules: Mapping[str, Rule]) -> dict[str, Any]:
    findings, errors = report.findings, report.errors
    used = sorted({f.rule_id for f in findings})
    descriptors = [_rule_descriptor(rules[rule_id]) for rule_id in used if rule_id in rules]
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}
    notifications: list[dict[str, Any]] = [
        {
            "level": "error" if report.failing_errors else "warning",
            "message": {"text": f"{error.path or '<scan>'}: {error.message}"},
            **(
                {"locations": [{"physicalLocation": {"artifactLocation": {"uri": error.path}}}]}
                if error.path
                else {}
            ),
        }
        for error in errors
    ]
    notifications += [{"level": "note", "message": {"text": n}} for n in report.notices]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mlwarden",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "results": [_result(f, rule_index) for f in findings],
        "invocations": [
            {
                # False when something could not be judged: the run did not do its job.
                "executionSuccessful": not errors and not report.failed_hooks,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository root"}}},
        # Code scanning keeps one analysis per category: each shard is its own.
        "automationDetails": {
            "id": f"mlwarden/shard-{report.shard[0]}-of-{report.shard[1]}/"
            if report.shard
            else "mlwarden/"
        },
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: ScanReport, rules: Mapping[str, Rule]) -> str:
    return json.dumps(build(report, rules), indent=2) + "\n"
