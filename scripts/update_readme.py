"""Regenerate the README's rule table and docs/rules/ from the registry."""

from __future__ import annotations

from pathlib import Path

from mlwarden.commands.ruledocs import (
    RULE_TABLE_BEGIN,
    RULE_TABLE_END,
    rules_table,
    write_rule_docs,
)
from mlwarden.core.catalog import all_rules

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    rules = list(all_rules().values())
    write_rule_docs(ROOT / "docs" / "rules", rules)
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    start = readme.index(RULE_TABLE_BEGIN) + len(RULE_TABLE_BEGIN)
    end = readme.index(RULE_TABLE_END)
    readme = readme[:start] + "\n" + rules_table(rules) + readme[end:]
    readme_path.write_text(readme, encoding="utf-8")
    print(f"{len(rules)} rules written to docs/rules/ and README.md")


if __name__ == "__main__":
    main()
