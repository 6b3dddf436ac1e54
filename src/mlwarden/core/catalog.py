"""Every rule mlwarden can report, gathered from the hooks that declare them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mlwarden.core import failclosed
from mlwarden.core.hooks import hook_names, load_hook
from mlwarden.core.rules import Rule, index_rules
from mlwarden.core.suppression import UNUSED_SUPPRESSION


def rules_of(hooks: Iterable[str]) -> tuple[Rule, ...]:
    collected: list[Rule] = []
    for name in hooks:
        collected.extend(load_hook(name).rules())
    return tuple(collected)


def all_rules() -> Mapping[str, Rule]:
    """Core rules first, then each hook's in registry order; ids are unique."""
    return index_rules((*CORE_RULES, *rules_of(hook_names())))


CORE_RULES: tuple[Rule, ...] = (UNUSED_SUPPRESSION, *failclosed.RULES)


def find_rule(rule_id: str) -> Rule | None:
    wanted = rule_id.strip().upper()
    for rule_key, rule in all_rules().items():
        if rule_key.upper() == wanted or rule.slug == rule_id.strip():
            return rule
    return None
