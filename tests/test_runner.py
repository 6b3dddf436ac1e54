from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.core.config import Config
from mlwarden.core.findings import Confidence, Finding, Location, Severity, make_fingerprint
from mlwarden.core.rules import Rule, RuleDoc
from mlwarden.core.runner import _apply_suppressions, _SuppressionCache, collect_files, deduplicate

DOC = RuleDoc(what="w", why="y", example="e", instead="i")


def rule(rule_id: str, equivalents: tuple[str, ...] = ()) -> Rule:
    return Rule(
        rule_id,
        rule_id.lower(),
        "semgrep",
        Severity.HIGH,
        Confidence.HIGH,
        "s",
        DOC,
        equivalents=equivalents,
    )


def finding(rule_id: str, path: str, line: int, hook: str) -> Finding:
    return Finding(
        rule_id,
        f"{rule_id} message",
        Location(path, line, 1),
        Severity.HIGH,
        Confidence.HIGH,
        make_fingerprint(rule_id, path),
        hook,
    )


def test_same_risk_on_same_line_is_shown_once_keeping_the_specific_rule() -> None:
    rules = {"SG001": rule("SG001", ("B614",)), "B614": rule("B614"), "B102": rule("B102")}
    findings = [
        finding("SG001", "a.py", 3, "semgrep"),
        finding("B614", "a.py", 3, "bandit"),
        finding("B614", "a.py", 4, "bandit"),
        finding("B102", "a.py", 3, "bandit"),
    ]
    result = sorted(deduplicate(findings, rules), key=Finding.sort_key)
    assert [(f.rule_id, f.location.line) for f in result] == [
        ("B102", 3),
        ("SG001", 3),
        ("B614", 4),
    ]
    kept = next(f for f in result if f.rule_id == "SG001")
    assert kept.related_rule_ids == ("B614",)
    assert kept.message.endswith("(also B614)")


def test_inline_suppression_needs_the_matching_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.py").write_text("x = 1  # mlwarden: ignore[SG001]\ny = 2\nz = 3\n")
    config = Config(root=tmp_path)
    findings = [
        finding("SG001", "a.py", 1, "semgrep"),
        finding("SG001", "a.py", 2, "semgrep"),
        finding("SG001", "a.py", 3, "semgrep"),
        finding("SG002", "a.py", 1, "semgrep"),
    ]
    kept, used = _apply_suppressions(findings, _SuppressionCache(config))
    assert [(f.rule_id, f.location.line) for f in kept] == [("SG001", 3), ("SG002", 1)]
    assert used == {("a.py", 1, "SG001")}


def test_collect_files_defaults_to_tracked_files_and_honours_exclude(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import git

    for name in ["a.py", "tests/fixtures/key.env", "untracked.py"]:
        (git_repo / name).parent.mkdir(parents=True, exist_ok=True)
        (git_repo / name).write_text("x\n")
    git(git_repo, "add", "a.py", "tests/fixtures/key.env")
    monkeypatch.chdir(git_repo)
    config = Config(root=git_repo, exclude=("tests/fixtures/**",))
    assert collect_files((), config, git_repo) == ("a.py",)
    assert collect_files((".",), config, git_repo) == ("a.py", "untracked.py")
