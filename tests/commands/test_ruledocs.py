"""Generated documentation must match the registry: regenerate with
`mlwarden rules --docs docs/rules` (the failure says how)."""

from __future__ import annotations

from mlwarden.commands.ruledocs import (
    RULE_TABLE_BEGIN,
    RULE_TABLE_END,
    rule_pages,
    rules_index,
    rules_table,
)
from mlwarden.core.catalog import all_rules
from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "rules"
HINT = "stale: run `mlwarden rules --docs docs/rules` and `python scripts/update_readme.py`"


def test_rule_pages_are_up_to_date() -> None:
    rules = list(all_rules().values())
    expected = rule_pages(rules)
    present = {p.name: p.read_text() for p in DOCS.glob("*.md") if p.name != "README.md"}
    assert present == expected, HINT
    assert (DOCS / "README.md").read_text() == rules_index(rules), HINT


def test_readme_rule_table_is_up_to_date() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    start = readme.index(RULE_TABLE_BEGIN) + len(RULE_TABLE_BEGIN)
    end = readme.index(RULE_TABLE_END)
    assert readme[start:end].strip() == rules_table(list(all_rules().values())).strip(), HINT


def test_every_rule_has_all_doc_sections() -> None:
    for rule in all_rules().values():
        assert rule.summary and rule.doc.what and rule.doc.why, rule.id
        assert rule.doc.example and rule.doc.instead, rule.id
        page = rule.markdown()
        for section in ("What it does", "Why is this bad", "Example", "Use instead", "References"):
            assert f"## {section}" in page, (rule.id, section)
