from __future__ import annotations

import json

import jsonschema
import pytest

from mlwarden.core.findings import (
    Confidence,
    Finding,
    Location,
    ScanError,
    Severity,
    make_fingerprint,
)
from mlwarden.core.rules import Rule, RuleDoc
from mlwarden.core.runner import ScanReport
from mlwarden.report import json as json_report
from mlwarden.report import sarif, text
from tests.conftest import SARIF_SCHEMA

RULE = Rule(
    id="TST001",
    slug="test-rule",
    hook="secrets",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A test rule.",
    doc=RuleDoc(what="w", why="y", example="e", instead="i", references=("https://example.com",)),
    cwe=(798,),
)


def finding(path: str = "src/a.py", line: int = 3, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(
        rule_id="TST001",
        message="hf_… token in code; load it from the environment",
        location=Location(path, line, 5, end_line=line, end_column=20),
        severity=severity,
        confidence=Confidence.MEDIUM,
        fingerprint=make_fingerprint("TST001", path, "abc"),
        hook="secrets",
    )


def test_fingerprint_ignores_line_numbers() -> None:
    assert finding(line=3).fingerprint == finding(line=300).fingerprint
    assert finding(path="b.py").fingerprint != finding().fingerprint


def test_text_format_is_path_line_col_id_severity_message() -> None:
    out = text.render([finding()])
    assert out == "src/a.py:3:5: TST001 [high] hf_… token in code; load it from the environment\n"
    assert text.render([]) == ""
    assert "\033[" in text.render([finding()], colour=True)


def report(findings: tuple[Finding, ...] = (), errors: tuple[ScanError, ...] = ()) -> ScanReport:
    return ScanReport(
        hooks=("secrets",),
        findings=findings,
        errors=errors,
        files_scanned=2,
        seconds=0.1,
        failing_findings=len(findings),
        failing_errors=len(errors),
    )


def test_json_envelope_is_versioned_and_says_what_fails() -> None:
    data = json.loads(
        json_report.render(report((finding(),), (ScanError("x.bin", "cannot read", "models"),)))
    )
    assert data["version"] == 1
    assert data["tool"]["name"] == "mlwarden"
    assert data["findings"][0]["rule_id"] == "TST001"
    assert data["findings"][0]["line"] == 3
    assert data["errors"] == [{"path": "x.bin", "message": "cannot read", "hook": "models"}]
    assert data["summary"] == {
        "failing": True,
        "failing_findings": 1,
        "failing_errors": 1,
        "failed_hooks": [],
    }


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return loaded


def test_sarif_validates_against_the_official_schema(sarif_schema: dict[str, object]) -> None:
    document = sarif.build(
        report(
            (finding(), finding("nb/x.ipynb", 9, Severity.INFO)),
            (ScanError("weights.pt", "truncated zip", "models"), ScanError("", "crashed", "x")),
        ),
        {"TST001": RULE},
    )
    jsonschema.validate(document, sarif_schema)
    run = document["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "TST001"
    assert "external/cwe/cwe-798" in run["tool"]["driver"]["rules"][0]["properties"]["tags"]
    result = run["results"][0]
    assert result["ruleId"] == "TST001"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/a.py"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert result["partialFingerprints"]["mlwarden/v1"] == finding().fingerprint
    assert run["results"][1]["level"] == "note"
    # What could not be judged makes the run unsuccessful, in SARIF too.
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [n["level"] for n in invocation["toolExecutionNotifications"]] == ["error", "error"]


def test_sarif_of_no_findings_is_valid(sarif_schema: dict[str, object]) -> None:
    document = sarif.build(report(), {})
    jsonschema.validate(document, sarif_schema)
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_the_schema_is_the_official_one() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"].endswith("oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json")


def ruled(rule_id: str, path: str, line: int, severity: Severity) -> Finding:
    return Finding(
        rule_id=rule_id,
        message=f"{rule_id} message",
        location=Location(path, line, 1),
        severity=severity,
        confidence=Confidence.MEDIUM,
        fingerprint=make_fingerprint(rule_id, path, str(line)),
        hook="pins",
    )


def test_text_leads_with_the_most_severe_findings_in_file_order() -> None:
    findings = [
        ruled("PIN001", "a/requirements.txt", 1, Severity.MEDIUM),
        ruled("SG001", "z/train.py", 9, Severity.HIGH),
        ruled("CFG001", "b/.github/workflows/x.yml", 3, Severity.CRITICAL),
        ruled("SG024", "a/train.py", 4, Severity.MEDIUM),
    ]
    lines = text.render(findings).splitlines()
    assert [line.split(" ")[:2] for line in lines] == [
        ["b/.github/workflows/x.yml:3:1:", "CFG001"],
        ["z/train.py:9:1:", "SG001"],
        ["a/requirements.txt:1:1:", "PIN001"],
        ["a/train.py:4:1:", "SG024"],
    ]


def test_many_findings_of_one_rule_fold_into_a_count() -> None:
    unpinned = [ruled("PIN001", f"req{n % 4}.txt", n, Severity.MEDIUM) for n in range(1, 26)]
    loud = ruled("SG001", "train.py", 3, Severity.HIGH)
    quiet = [ruled("PIN017", "ci.yml", n, Severity.MEDIUM) for n in range(1, 11)]
    lines = text.render([*unpinned, loud, *quiet]).splitlines()
    assert lines[0].startswith("train.py:3:1: SG001 [high]")
    folded = [line for line in lines if " PIN001 " in line]
    # The first three locations (file order), then one line for the other 22.
    assert [line.split(":")[0:2] for line in folded[:3]] == [
        ["req0.txt", "4"],
        ["req0.txt", "8"],
        ["req0.txt", "12"],
    ]
    assert folded[3] == (
        "  ... PIN001 [medium] 22 more like the 3 above (25 in 4 files); "
        "every one is in `--format json` and `--format sarif`"
    )
    # Ten findings of one rule are not "many": each keeps its line.
    assert sum(" PIN017 " in line for line in lines) == 10
    assert len(lines) == 1 + 4 + 10
    assert text.render([*unpinned, loud], fold_after=0).count("\n") == 26


def test_the_json_and_sarif_reports_keep_every_folded_finding() -> None:
    unpinned = tuple(ruled("PIN001", "req.txt", n, Severity.MEDIUM) for n in range(1, 31))
    data = json.loads(json_report.render(report(unpinned)))
    assert len(data["findings"]) == 30
    document = sarif.build(report(unpinned), {})
    assert len(document["runs"][0]["results"]) == 30
