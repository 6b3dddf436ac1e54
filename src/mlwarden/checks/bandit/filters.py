"""False-positive classes of bandit's tests, found by reading its findings on real ML code
(transformers, lightning, datasets, accelerate, langchain-core, scikit-learn; issue 9).

Each filter drops one class at its cause, from the flagged call's own source, and each has a
regression test in tests/checks/test_bandit.py. They never drop a finding they cannot read
the source of.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mlwarden.checks.bandit import evidence
from mlwarden.checks.bandit.flow import Module, parse
from mlwarden.checks.bandit.hub import HUB_CALLS, is_local_literal, is_local_load

_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})

# `token_pattern = r"..."`, `token_counter="approximate"`, `secret_key_name = "..."`:
# bandit matches the name, but these names hold settings, not secrets.
_NON_SECRET_NAME = re.compile(
    r"(?:_|^)(?:pattern|counter|type|types|id|ids|len|length|count|name|names|field|fields|"
    r"dir|path|file|url|prefix|suffix|limit|size|format|mode|kind|env|var|header|param|"
    r"policy|strategy|implicit_token|disable\w*)$",
    re.IGNORECASE,
)
# Values that are test placeholders or prose rather than a credential.
_PLACEHOLDER_VALUE = re.compile(
    r"token|secret|passw|redact|mask|example|dummy|fake|test|change.?me|xxx|\*\*\*|<|\{",
    re.IGNORECASE,
)
_WORDS = re.compile(r"^[a-z]+(?:[-_ ][a-z]+)*$")
_REGEX_CHARS = re.compile(r"[\\()\[\]^$?+|]")
_ASSIGNED_NAME = r"""(\w+)["']?\s*\]?\s*(?::\s*\w[\w\[\], ]*)?\s*[:=]\s*[rbuRBU]*["']"""


def password_false_positive(call: str, value: str) -> bool:
    """B105/B106/B107 on a setting's name or a placeholder value, not a secret."""
    if len(value) < 6 or _WORDS.match(value) or _REGEX_CHARS.search(value):
        return True
    if _PLACEHOLDER_VALUE.search(value):
        return True
    named = re.search(_ASSIGNED_NAME + re.escape(value[:20]), call)
    return bool(named and _NON_SECRET_NAME.search(named.group(1)))


_FIRST_STRING_ARG = re.compile(r"\(\s*[rbuRBU]*([\"'])(.*?)\1")


def hub_download_false_positive(
    call: str, module: Module | None, line: int, column: int = 0
) -> bool:
    """B615 on a load that is demonstrably local (`checks.bandit.hub.is_local_load`), or
    with `local_files_only=True`: nothing is downloaded."""
    if re.search(r"\blocal_files_only\s*=\s*True\b", call):
        return True
    node = module.call_at(line, HUB_CALLS, column) if module is not None else None
    if module is None or node is None:
        first = _FIRST_STRING_ARG.search(call)
        at_start = first is not None and call.index(first.group(0)) == call.index("(")
        return first is not None and at_start and is_local_literal(first.group(2))
    return is_local_load(module, node)


_ROUND_TRIP = re.compile(r"loads\(\s*(?:\w+\.)?dumps\(")


def pickle_round_trip(call: str, source_text: Callable[[], str]) -> bool:
    """B301 on `pickle.loads(pickle.dumps(x))`, also through a variable (`s = pickle.dumps(x)`
    then `pickle.loads(s)`): the bytes never left the process."""
    if _ROUND_TRIP.search(call):
        return True
    argument = re.search(r"\bloads\(\s*(\w+)\s*\)", call)
    if argument is None:
        return False
    produced = re.compile(rf"\b{re.escape(argument.group(1))}\s*=\s*(?:\w+\.)?dumps\(")
    return produced.search(source_text()) is not None


_SQL_START = re.compile(
    r"""[fbruFBRU]*["']{1,3}\s*(?:select|insert|update|delete|with|replace)\b""", re.IGNORECASE
)


def sql_in_prose(call: str, line_text: str) -> bool:
    """B608 on an error message that happens to contain "update ... set"-like prose: a
    query string starts with its SQL verb."""
    return _SQL_START.search(line_text) is None and ".execute(" not in call


_SAFE_TAR_FILTER = re.compile(
    r"""\bfilter\s*=\s*(?:["'](?:data|tar)["']|(?:tarfile\.)?(?:data|tar)_filter\b)"""
)


def safe_extraction(call: str, source_text: str) -> bool:
    """B202 with `filter="data"` (the fix bandit itself recommends), on a zipfile archive
    (zipfile strips `..` and absolute paths), or on a bare helper function merely named
    `*extractall` (bandit matches the name)."""
    if _SAFE_TAR_FILTER.search(call):
        return True
    if not re.search(r"\.\s*extractall\b", call):
        return True  # a bare helper function, not a TarFile method
    receiver = re.search(r"(\w+)\s*\.\s*extractall\b", call)
    if receiver is None:
        return False
    name = re.escape(receiver.group(1))
    opened_as_zip = re.compile(
        rf"\bZipFile\([^\n]*\)\s+as\s+{name}\b|\b{name}\s*=\s*(?:zipfile\.)?ZipFile\("
    )
    return opened_as_zip.search(source_text) is not None


def is_false_positive(
    test_id: str,
    call: str,
    line_text: str,
    source_text: Callable[[], str],
    value: str | None,
    line: int = 0,
    column: int = 0,
) -> bool:
    """True when the finding at `line`:`column` is one of the known false-positive classes."""

    def module() -> Module | None:
        return parse(source_text())

    if test_id in _PASSWORD_TESTS:
        return value is not None and password_false_positive(call, value)
    if test_id == "B615":
        return hub_download_false_positive(call, module(), line, column)
    if test_id == "B301":
        return pickle_round_trip(call, source_text)
    if test_id == "B608":
        if sql_in_prose(call, line_text):
            return True
        tree = module()
        return tree is not None and evidence.sql_with_internal_identifiers(tree, line, column)
    if test_id == "B202":
        return safe_extraction(call, source_text())
    judged_in_context = _IN_CONTEXT.get(test_id)
    if judged_in_context is None:
        return False
    tree = module()
    if tree is None:
        return False
    if test_id == "B310":
        return evidence.fixed_scheme_url(tree, line, source_text(), column)
    return judged_in_context(tree, line, column)


_IN_CONTEXT: dict[str, Callable[[Module, int, int], bool]] = {
    "B102": evidence.eval_of_internal_text,
    "B307": evidence.eval_of_internal_text,
    "B104": evidence.bind_all_compared,
    "B506": evidence.safe_yaml_loader,
    "B602": evidence.shell_of_internal_text,
    "B605": evidence.shell_of_internal_text,
    "B310": lambda tree, line, column: False,  # needs the source text too: handled above
}
