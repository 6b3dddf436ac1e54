from __future__ import annotations

from mlwarden.core.suppression import parse_suppressions, suppression_for


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
