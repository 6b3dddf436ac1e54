"""Generated documentation: `docs/rules/<ID>.md` and the index `docs/rules/README.md`.

A test regenerates them in memory and fails when the committed copies are stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from mlwarden.core.rules import Rule


def rule_pages(rules: Iterable[Rule]) -> dict[str, str]:
    return {f"{rule.id}.md": rule.markdown() for rule in rules}


def rules_index(rules: Sequence[Rule]) -> str:
    return "# mlwarden rules\n\nGenerated from the rule registry; do not edit.\n\n" + rules_table(
        rules, link_prefix=""
    )


def rules_table(rules: Sequence[Rule], link_prefix: str = "docs/rules/") -> str:
    lines = ["| id | hook | severity | rule | summary |", "|---|---|---|---|---|"]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| [{rule.id}]({link_prefix}{rule.id}.md) | {rule.hook} | {rule.severity.label} "
            f"| {rule.slug} | {summary} |"
        )
    return "\n".join(lines) + "\n"


def write_rule_docs(folder: Path, rules: Sequence[Rule]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    pages = rule_pages(rules)
    for stale in folder.glob("*.md"):
        if stale.name not in pages and stale.name != "README.md":
            stale.unlink()
    for name, body in pages.items():
        (folder / name).write_text(body, encoding="utf-8")
    (folder / "README.md").write_text(rules_index(rules), encoding="utf-8")
    return len(pages)
