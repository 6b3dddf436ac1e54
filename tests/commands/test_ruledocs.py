"""Generated documentation must match the registry: regenerate with
`mlwarden rules --docs docs/rules` (the failure says how)."""

from __future__ import annotations

from mlwarden.commands.ruledocs import rule_pages, rules_index
from mlwarden.core.catalog import all_rules
from tests.conftest import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "rules"
HINT = "stale: run `mlwarden rules --docs docs/rules`"


def test_rule_pages_are_up_to_date() -> None:
    rules = list(all_rules().values())
    expected = rule_pages(rules)
    present = {p.name: p.read_text() for p in DOCS.glob("*.md") if p.name != "README.md"}
    assert present == expected, HINT
    assert (DOCS / "README.md").read_text() == rules_index(rules), HINT


def test_readme_links_the_rule_index_and_stays_short() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert "(docs/rules/README.md)" in readme
    assert len(readme.encode()) <= 15 * 1024


def test_every_rule_has_all_doc_sections() -> None:
    for rule in all_rules().values():
        assert rule.summary and rule.doc.what and rule.doc.why, rule.id
        assert rule.doc.example and rule.doc.instead, rule.id
        page = rule.markdown()
        for section in ("What it does", "Why is this bad", "Example", "Use instead", "References"):
            assert f"## {section}" in page, (rule.id, section)
