"""Regenerate docs/rules/ (one page a rule, and the index) from the registry.

Kept for the habit of running it after changing a rule: it is
`mlwarden rules --docs docs/rules`. The README links to the index instead of copying it.
"""

from __future__ import annotations

from pathlib import Path

from mlwarden.commands.ruledocs import write_rule_docs
from mlwarden.core.catalog import all_rules

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    rules = list(all_rules().values())
    written = write_rule_docs(ROOT / "docs" / "rules", rules)
    print(f"{written} rules written to docs/rules/")


if __name__ == "__main__":
    main()
