"""Is a matched value plausibly a secret? Placeholders, names, paths and code are not.

These checks run only on regex hits, never per line, so they may be thorough.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import unquote

from mlwarden.checks.secrets.names import words

_PLACEHOLDER = re.compile(
    r"(?i)x{5,}|\*{3,}|\.{3,}|…|0{8,}|example|placeholder|your[_-]|changeme|change[_-]me|"
    r"redacted|dummy|<[^>]*>|\$\{|\{\{|%\(|passw(?:or)?d"
)
_NOT_SECRET_VALUES = words(
    """
    true false none null nil required optional string str bytes secret password passwd
    pass pwd token changeit undefined empty
    """
)
# Unquoted expressions: `args.token`, `settings.API_KEY`, `get_key` (no digits: a bare
# random token would look like an identifier too).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_]*(?:\.[A-Za-z_]\w*)*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# Env-var names, snake_case identifiers, hyphenated words: names, not secrets.
_WORDS_ONLY = re.compile(
    r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+"
    r"|[A-Za-z][a-z]+(?:[\-. ][A-Za-z][a-z]+)+"
)
_WORD_SEPARATORS = re.compile(r"[_\-./: ]+")
# RFC 2606 documentation hosts: credentials there are examples by definition.
_EXAMPLE_HOST = re.compile(r"(?i)(?:^|\.)example\.(?:com|org|net)\.?(?::\d+)?$")
_PATH_SUFFIXES = tuple(sorted(words(".json .txt .pem .key .yaml .yml .env .pkl .crt .p12 .cfg")))
_WEAK_URL_PASSWORDS = words(
    """
    pass password passwd pw pwd secret changeme xxx **** admin root user guest test token
    example
    """
)


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in Counter(value).values())


def _char_classes(value: str) -> int:
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )


def is_placeholder(value: str) -> bool:
    return _PLACEHOLDER.search(value) is not None or value.lower() in _NOT_SECRET_VALUES


def plausible_token(secret: str) -> bool:
    """A provider-shaped match that is not an obvious placeholder (`hf_xxxx…`)."""
    return not is_placeholder(secret) and shannon_entropy(secret) >= 2.5


def plausible_literal(value: str, *, quoted: bool, password: bool) -> bool:
    """Could this assigned value be a real secret rather than code, a path or a template?"""
    if len(value) < 8 or value[0] in "$%{<#[(@!&*~/." or any(c in value for c in "({[<$"):
        return False
    if is_placeholder(value) or "://" in value or value.lower().endswith(_PATH_SUFFIXES):
        return False
    if not quoted and _IDENTIFIER.fullmatch(value):
        return False  # an expression (`args.token`, `settings.KEY`), not a literal
    if _WORDS_ONLY.fullmatch(value) or _wordy(value):
        return False  # an env-var name or words (`OPENAI_API_KEY`, `starlette.max_body`)
    entropy = shannon_entropy(value)
    classes = _char_classes(value)
    digits_or_symbols = any(not c.isalpha() for c in value)
    if password:
        # Real passwords mix in digits or symbols; `challengePassword` is a label.
        return entropy >= 2.5 and classes >= 2 and digits_or_symbols
    if len(value) < 16:
        return False
    if not digits_or_symbols:
        return len(value) >= 20 and entropy >= 3.8
    return (entropy >= 3.0 and classes >= 2) or (len(value) >= 24 and entropy >= 3.5)


def _wordy(value: str) -> bool:
    """`_hypothesis_stats`, `io.example/model-response`: separated lower-case words."""
    parts = [part for part in _WORD_SEPARATORS.split(value) if part]
    if len(parts) < 2:
        return False
    words = sum(
        part.isalpha() and (part.islower() or part.isupper() or part.istitle()) for part in parts
    )
    return words == len(parts) or (len(parts) >= 3 and words >= len(parts) - 1)


def plausible_url_password(user: str, password: str, host: str) -> bool:
    """`scheme://user:password@host`: not a template, placeholder or documentation host."""
    decoded = unquote(password)
    return not (
        len(decoded) < 6
        or decoded == unquote(user)
        or decoded.lower() in _WEAK_URL_PASSWORDS
        or password[0] in "${<%*"
        or " " in decoded
        or is_placeholder(decoded)
        or _EXAMPLE_HOST.search(host)
    )
