"""The bandit hook's rule catalogue agrees with the installed bandit and is documented."""

from __future__ import annotations

from bandit.core import extension_loader

from mlwarden.checks import bandit
from mlwarden.checks.bandit.rules import BY_ID, CATALOG, ML_PROFILE
from mlwarden.core.rules import index_rules


def shipped_tests() -> dict[str, str]:
    manager = extension_loader.MANAGER
    tests = {plugin.plugin._test_id: plugin.name for plugin in manager.plugins}
    tests.update({test_id: data["name"] for test_id, data in manager.blacklist_by_id.items()})
    return tests


def test_catalogue_declares_every_test_bandit_ships() -> None:
    assert {t.id: t.name for t in CATALOG} == shipped_tests()


def test_blacklist_ratings_match_bandit() -> None:
    for test_id, data in extension_loader.MANAGER.blacklist_by_id.items():
        test = BY_ID[test_id]
        assert (test.severity.name, test.cwe) == (data["level"], int(data["cwe"])), test_id


def test_rules_are_unique_documented_and_tagged() -> None:
    rules = bandit.HOOK.rules()
    by_id = index_rules(rules)  # raises on a duplicate id
    assert set(ML_PROFILE) <= set(by_id)
    for rule in rules:
        assert rule.hook == "bandit" and rule.cwe and rule.summary, rule.id
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.instead
        assert rule.doc.references[0].startswith("https://bandit.readthedocs.io/"), rule.id
        assert ("ml-profile" in rule.tags) == (rule.id in ML_PROFILE), rule.id
        assert "\u202e" not in rule.markdown()  # docs never carry live bidi characters
    assert by_id["B614"].doc.references[0].endswith("/plugins/b614_pytorch_load.html")
    assert by_id["B301"].doc.references[0].endswith("/blacklist_calls.html#b301-pickle")
