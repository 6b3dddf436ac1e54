"""The generic rule (SEC032): a literal assigned to a secret-like name, in any syntax.

One name-then-value reader covers the assignments of Python, JS/TS, Go (`:=`, typed
`var x string =`), Java/Kotlin/C#, PHP (`=`, `.=`), Ruby (`=`, `=>`), shell, Makefiles
(`=`, `:=`, `?=`, `::=`, `:::=`), YAML/TOML/INI/.env, JSON (also `X_TOKEN=…\\n` inside a
string) and command-line flags; three more read what it cannot: XML elements (also over
several lines), `key="…" value="…"` attributes, and name/value call arguments
(`System.setProperty("X", "…")`, `os.getenv("X", "…")`, `ENV.fetch("X", "…")`).

The name decides whether a value is judged at all (`names.py`); a provider's name decides
its format (`anchors.py`); the value decides the rest (`values.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from mlwarden.checks.secrets.anchors import anchored
from mlwarden.checks.secrets.detectors import provider_prefixed, public_by_design
from mlwarden.checks.secrets.names import is_secret_name
from mlwarden.checks.secrets.values import plausible_literal, plausible_token

_CORE = (
    r"passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|apikey|key|credentials?|"
    r"authorization|auth"
)
_ASSIGNMENT = (
    rf"(?i)(?P<core>{_CORE})(?P<tail>[a-z0-9_\-]{{0,40}})"
    r"(?P<close>(?:\\?[\"'`]|\])*)"
    r"(?P<sep>[ \t]*(?:=>|:{1,3}=|[?.+]=|==|\?\?|\|\||=)[ \t]*"
    # A type between name and `=`: `key: str = "…"`, Go's `var key string = "…"`.
    r"|[ \t]*:(?!:)[ \t]*(?:(?P<annot>[A-Za-z_][\w\[\]., |]{0,40}?)[ \t]*=[ \t]*)?"
    r"|[ \t]+(?:(?P<goannot>[A-Za-z_][\w\[\].]{0,40}?)[ \t]*=[ \t]*)?)"
    r"(?P<quote>[rbufRBUF]{0,2}\\?[\"'`])?"
    r"(?:(?:Bearer|Basic|Token|Bot|Digest|FlyV1)\s+)?"
    r"(?P<secret>[^\s\"'`\\,;)\]}>]{1,300})"
)
_XML_ELEMENT = (
    rf"<(?P<tag>(?=[\w.:-]{{0,60}}?(?i:{_CORE}))[A-Za-z_][\w.:-]{{0,60}})(?:\s[^<>]{{0,200}})?>"
    r"\s*(?P<secret>[^<>\s\"']{1,300})\s*</(?P=tag)\s*>"
)
_XML_PAIR = (
    r"""\b(?:key|name)\s*=\s*(?P<q1>["'])(?P<name>[^"'<>\n]{1,80})(?P=q1)\s+"""
    r"""value\s*=\s*(?P<q2>["'])(?P<secret>[^"'<>\s]{1,300})(?P=q2)"""
)
_CALL_PAIR = (
    # A call (`name(` or `x[…](`), not a tuple: `("password", "<salt>")` is test data.
    r"""(?<=[\w\]])\(\s*(?P<q1>["'])(?P<name>[\w.\-]{1,80})(?P=q1)\s*,\s*[rbufRBUF]{0,2}"""
    r"""(?P<q2>["'])(?P<secret>[^"'\s\\]{1,300})(?P=q2)"""
)
# What may follow an unquoted value: end of line, a comment, more CLI flags, a shell
# continuation or separator, an escaped newline inside a JSON string. Anything else (`,`,
# `)`, ` | None`, prose) means code or docs.
_UNQUOTED_END = re.compile(r"[ \t]*(?:$|#|\\$|\\[nrt]|&&|;|\|\||--?[A-Za-z])", re.M)
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
# A comment that presents its value as an example: `# e.g. api_key = "…"`.
_COMMENT = re.compile(r"\s*(?:#|//|--|;|\*|<!--|%|rem\s)", re.I)
_EXAMPLE_WORDS = re.compile(r"(?i)\be\.g\.|\bexample|\bfor instance\b|\bsuch as\b|\bsample\b")
_EXAMPLE_URL = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]*://(?:[^/\s@]*@)?(?:[\w-]+\.)*example\.(?:com|org|net)\b"
)
_PREV_WORD = re.compile(r"\b([A-Za-z]{2,20}) $")
KEYWORDS: tuple[str, ...] = ("pass", "pwd", "secret", "token", "key", "cred", "auth")
GENERIC_RULE = "SEC032"


@dataclass(frozen=True)
class Found:
    start: int  # span of the secret
    end: int
    rule_id: str
    secret: str


@cache
def _regexes() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in (_ASSIGNMENT, _XML_ELEMENT, _XML_PAIR, _CALL_PAIR))


def find(text: str) -> list[Found]:
    """Secret-like literals assigned to secret-like names in `text`."""
    assignment, element, pair, call = _regexes()
    found = list(_assignments(text, assignment))
    if "</" in text:
        found.extend(_named(text, element, "tag", quoted=True))
    if "value" in text:
        found.extend(_named(text, pair, "name", quoted=True))
    if "(" in text:
        found.extend(_named(text, call, "name", quoted=True))
    return found


def _assignments(text: str, regex: re.Pattern[str]) -> Iterator[Found]:
    # Two stages: find each keyword in the lower-cased text with a case-sensitive regex (3-4x
    # faster than a case-insensitive search over the text), then match the whole assignment
    # there. `lower()` keeps offsets only when it keeps the length (not so for `İ`).
    lowered = text.lower()
    cores = _core_re().finditer(lowered) if len(lowered) == len(text) else None
    if cores is None:
        starts: Iterator[int] = (m.start() for m in regex.finditer(text))
    else:
        starts = (m.start() for m in cores)
    done = 0
    for start in starts:
        if start < done:
            continue
        m = regex.match(text, start)
        if m is None:
            continue
        rule_id = _assignment_rule(text, m)
        if rule_id is not None:
            yield Found(m.start("secret"), m.end("secret"), rule_id, m["secret"])
            done = m.end()


@cache
def _core_re() -> re.Pattern[str]:
    return re.compile(_CORE)


def _named(text: str, regex: re.Pattern[str], group: str, *, quoted: bool) -> Iterator[Found]:
    for m in regex.finditer(text):
        rule_id = judge(text, m[group], m["secret"], m.start("secret"), quoted=quoted)
        if rule_id is not None:
            yield Found(m.start("secret"), m.end("secret"), rule_id, m["secret"])


def _assignment_rule(text: str, m: re.Match[str]) -> str | None:
    sep = m["sep"]
    if "==" in sep:
        return None  # a comparison, not an assignment
    name = name_before(text, m.start("core"), m.end("tail"))
    start = m.end("tail") - len(name)
    if start > 0 and text[start - 1] in ":/" and sep.strip() == ":":
        return None  # a segment of an ARN or a path (`arn:aws:…:secret:Name`), not a name
    if not sep.strip() and not name.startswith("-"):
        return None  # `--password VALUE` takes a space, prose does not count (.netrc: SEC060)
    quoted = m["quote"] is not None
    if (
        not quoted
        and not _UNQUOTED_END.match(text, m.end("secret"))
        and not _closes_string(text, m.start(), m.end("secret"))
    ):
        return None  # `api_key: Explicitly-provided API key`, `key: KeyType,` in code
    return judge(text, name, m["secret"], m.start("secret"), quoted=quoted)


def judge(text: str, name: str, value: str, at: int, *, quoted: bool) -> str | None:
    """The rule a value stored under `name` is reported under, or None."""
    kind = is_secret_name(name)
    if kind is None or value == name or name.endswith(("." + value, "-" + value)):
        return None  # `token=token`, `self.token = token`: passing a variable on
    if not _credential_in_context(text, name, at):
        return None
    rule_id, decided = anchored(name, value)
    if decided:
        return rule_id if rule_id is not None and plausible_token(value) else None
    if provider_prefixed(value) or public_by_design(value):
        return None  # its provider's rule judged it (wrong length, bad checksum); or public
    if not plausible_literal(value, quoted=quoted, password=kind == "password"):
        return None
    if _example_comment(text, at):
        return None
    return GENERIC_RULE


def name_before(text: str, start: int, end: int) -> str:
    """The whole name around a keyword: read backwards over name characters, stopping at a
    JSON escape (`\\nAPI_TOKEN` is `API_TOKEN`)."""
    i = start
    floor = max(0, start - 80)
    while i > floor and text[i - 1] in _NAME_CHARS:
        i -= 1
    if i >= 2 and text[i - 1] == "\\" and text[i] in "nrt":
        i += 1
    return text[i:end]


def _closes_string(text: str, begin: int, end: int) -> bool:
    """An unquoted value that closes a string opened before its name on the same line:
    `-H "Authorization: Bearer …"`, `"API_TOKEN=…"`."""
    close = text[end : end + 1]
    if close not in ("'", '"', "`"):
        return False
    line_start = text.rfind("\n", 0, begin) + 1
    return text.count(close, line_start, begin) % 2 == 1


def _credential_in_context(text: str, name: str, at: int) -> bool:
    """The word just before the name still makes a credential (prose `Next page token: …` is
    a page token), and the line is not about an RFC 2606 documentation host
    (`https://example.com/cb#access_token=…` is an example)."""
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if _EXAMPLE_URL.search(line):
        return False
    head = text[line_start:at]
    cut = head.rfind(name)
    prev = _PREV_WORD.search(head, 0, cut) if cut > 0 else None
    return prev is None or is_secret_name(f"{prev.group(1)}_{name}") is not None


def _example_comment(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return _COMMENT.match(line) is not None and _EXAMPLE_WORDS.search(line) is not None
