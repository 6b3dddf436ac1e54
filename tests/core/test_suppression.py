from __future__ import annotations

from mlwarden.core.suppression import (
    has_allowlist_pragma,
    is_suppressed,
    parse_suppressions,
    suppression_for,
)


def test_ids_are_required_and_case_insensitive() -> None:
    lines = ["x = 1  # mlwarden: ignore[sg001, SEC002]", "y = 2  # mlwarden: ignore[]", "z"]
    found = parse_suppressions(lines)
    assert [(s.line, sorted(s.rule_ids)) for s in found] == [(1, ["SEC002", "SG001"])]


def test_applies_to_same_line_and_line_below_only() -> None:
    found = parse_suppressions(["# mlwarden: ignore[SG001]", "a", "b"])
    assert suppression_for(found, 1, "SG001") is not None
    assert suppression_for(found, 2, "SG001") is not None
    assert suppression_for(found, 3, "SG001") is None
    assert suppression_for(found, 2, "SG002") is None


def test_is_suppressed_for_commit_scans() -> None:
    lines = ["token = 'x'  # mlwarden: ignore[SEC001]", "other = 'y'"]
    assert is_suppressed(lines, 1, "SEC001")
    assert is_suppressed(lines, 2, "SEC001")
    assert not is_suppressed(lines, 2, "SEC002")


def test_detect_secrets_pragma() -> None:
    assert has_allowlist_pragma("key = 'abc'  # pragma: allowlist secret")
    assert not has_allowlist_pragma("key = 'abc'  # pragma: no cover")
