"""Is a matched value plausibly a secret? Placeholders, names, paths, code and encodings of
something else are not.

These checks run only on regex hits, never per line, so they may be thorough.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any
from urllib.parse import unquote

from mlwarden.checks.secrets.names import is_secret_name, words
from mlwarden.checks.secrets.placeholders import is_placeholder_shape
from mlwarden.checks.secrets.shapes import identifier_like, wordy
from mlwarden.checks.secrets.verify import b64decode

_NOT_SECRET_VALUES = words(
    """
    true false none null nil required optional string str bytes secret password passwd
    pass pwd token changeit undefined empty
    """
)
# Unquoted expressions: `args.token`, `settings.API_KEY`, `get_key` (no digits: a bare
# random token would look like an identifier too).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_]*(?:\.[A-Za-z_]\w*)*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
# Unquoted values that are syntax, not literals: `# comment`, `--flag`, `!Ref`, `&anchor`,
# `*alias`, `~/path`.
_NOT_A_LITERAL = re.compile(r"#|-{1,2}[A-Za-z][\w-]*$|![A-Za-z!]|[&*][\w-]+$|~/")
_OPERATORS = re.compile(r"\*\*|[*+/%]|(?<=\w)-(?=\w)")
# Env-var names, snake_case identifiers, hyphenated words: names, not secrets.
_WORDS_ONLY = re.compile(
    r"_*[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|_*[a-z][a-z0-9]*(?:_[a-z0-9]+)+"
    r"|[A-Za-z][a-z]+(?:[\-. ][A-Za-z][a-z]+)+"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")
_USER_PASSWORD = re.compile(r"[^\s:]{1,100}:(\S{1,200})")
# RFC 2606 documentation hosts: credentials there are examples by definition.
_EXAMPLE_HOST = re.compile(r"(?i)(?:^|\.)example\.(?:com|org|net)\.?(?::\d+)?$")
_PATH_SUFFIXES = tuple(sorted(words(".json .txt .pem .key .yaml .yml .env .pkl .crt .p12 .cfg")))
_WEAK_PASSWORDS = words(
    """
    pass password passwd pw pwd secret changeme xxx **** admin root user guest test token
    example hunter letmein qwerty topsecret demo
    """
)
# A dictionary default with digits or punctuation after it: `secret123`, `hunter2!!!`.
_WEAK_STEM = re.compile(r"(?i)([a-z]+)[\d!.#*_-]*")
# Dates and times: `2016-09-08T21:47:36Z`, `2024-01-01 10:00`.
_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
)
# Slugs and identifiers in lower-case kebab/snake form: `cc-by-nc-sa-2.0-fr`,
# `ms-jdbc-driver-40-sql-server`; SPDX `LicenseRef-…` references.
# (Pieces are words, numbers or short tags like `v51`, `j2re`; not the 8- and 12-hex pieces
# of a UUID: legacy npm tokens were UUIDs.)
_SLUG = re.compile(
    r"(?:LicenseRef-)?(?:[a-z]{1,12}|[0-9]{1,10}|[a-z0-9]{1,5})"
    r"(?:[-_.](?:[a-z]{1,12}|[0-9]{1,10}|[a-z0-9]{1,5})){2,}"
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
    return is_placeholder_shape(value) or value.lower() in _NOT_SECRET_VALUES


def plausible_token(secret: str) -> bool:
    """A provider-shaped match that is not a placeholder (`hf_xxxx…`, `ghp_abcdef…`) nor a
    name that happens to have a short prefix's shape (`as-ValidationErrorDetails`)."""
    return (
        not is_placeholder(secret)
        and shannon_entropy(secret) >= 2.5
        and not wordy(secret, odd_piece=False)
    )


def weak_password(value: str) -> bool:
    """A dictionary default, maybe with digits or punctuation after it (`secret123`)."""
    stem = _WEAK_STEM.fullmatch(value)
    return value.lower() in _WEAK_PASSWORDS or (
        stem is not None and stem.group(1).lower() in _WEAK_PASSWORDS
    )


def plausible_password(value: str) -> bool:
    """A password in a command line, `.netrc` or connection URI: not a template, a
    placeholder or a dictionary default (`admin`, `changeme`, `secret123`)."""
    decoded = unquote(value)
    return not (
        len(decoded) < 6
        or decoded[0] in "$<{"
        or weak_password(decoded)
        or is_placeholder(decoded)
        or (decoded.isalpha() and len(decoded) < 12)
        or shannon_entropy(decoded) < 2.0
    )


def plausible_literal(value: str, *, quoted: bool, password: bool, decoded: bool = False) -> bool:
    """Could this assigned value be a real secret rather than code, a path, a template, an
    identifier, words, or the base64 of something that is none of these?"""
    if len(value) < 8 or value[0] in "${<[(@/." or any(c in value for c in "({[<"):
        return False
    if not quoted and _NOT_A_LITERAL.match(value):
        return False  # a comment, a flag, a YAML tag/anchor/alias, a home path
    if re.search(r"\$[A-Za-z_{(]", value) or is_placeholder(value):
        return False
    if "://" in value or value.lower().endswith(_PATH_SUFFIXES):
        return False
    if _TIMESTAMP.fullmatch(value) or _SLUG.fullmatch(value) or weak_password(value):
        return False  # a date, a slug or license id, a dictionary default (`secret123`)
    if not decoded:
        texts = _decoded_segments(value)
        if texts is not None:
            return any(plausible_decoded(text, password=password) for text in texts)
    if not quoted and (_IDENTIFIER.fullmatch(value) or _expression(value)):
        return False  # an expression (`args.token`, `a_tokens**b_penalty`), not a literal
    if identifier_like(value) or _WORDS_ONLY.fullmatch(value) or wordy(value):
        return False  # `vendor.traceName`, `OPENAI_API_KEY`, `org/model-7b`, `scope:x@host`
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


def _expression(value: str) -> bool:
    """Names joined by operators (`normalized_tokens**token_penalty`, `base_key+suffix`)."""
    parts = _OPERATORS.split(value)
    return len(parts) >= 2 and all(_IDENTIFIER.fullmatch(p) for p in parts if p)


def _decoded_segments(value: str) -> list[str] | None:
    """What a base64 value encodes, or each dot-separated part of one (a JWT's header and
    claims cut off before the signature: `eyJhbGciOi….`); None if any part is not base64
    of text."""
    parts = [part for part in value.split(".") if part]
    texts = [printable_base64(part) for part in parts]
    if not parts or any(text is None for text in texts):
        return None
    return [text for text in texts if text is not None]


def printable_base64(value: str) -> str | None:
    """The text `value` encodes when it is base64 of printable UTF-8, else None. Random
    keys decode to random bytes, never to text; an encoded `user:password`, JSON page
    cursor or phrase does."""
    if not _BASE64.fullmatch(value) or (len(value.rstrip("=")) % 4 == 1):
        return None
    data = b64decode(value, urlsafe=True)
    if not data or len(data) < 6:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if all(c.isprintable() or c in "\n\r\t" for c in text):
        return text
    return None


def plausible_decoded(text: str, *, password: bool) -> bool:
    """Judge what a base64 value encodes: JSON by its content, `user:password` by the
    password, anything else as a literal."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        return json_holds_secret(stripped)  # a page cursor or settings blob, unless it holds one
    pair = _USER_PASSWORD.fullmatch(stripped)
    if pair:
        return plausible_password(pair.group(1)) and not wordy(pair.group(1))
    return plausible_literal(stripped, quoted=True, password=password, decoded=True)


def json_holds_secret(text: str) -> bool:
    """Decoded JSON is judged by what it holds: a secret-like key with a plausible value, or
    a private key."""
    try:
        document = json.loads(text)
    except ValueError:
        return False
    return any(_pair_is_secret(key, value) for key, value in _walk(document))


def _walk(node: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [pair for k, v in node.items() for pair in _walk(v, str(k))]
    if isinstance(node, list):
        return [pair for item in node for pair in _walk(item, key)]
    return [(key, node)]


def _pair_is_secret(key: str, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if "PRIVATE KEY-----" in value:
        return True
    kind = is_secret_name(key)
    return kind is not None and plausible_literal(
        value, quoted=True, password=kind == "password", decoded=True
    )


def plausible_url_password(user: str, password: str, host: str) -> bool:
    """`scheme://user:password@host`: not a template, placeholder or documentation host."""
    decoded = unquote(password)
    return not (
        len(decoded) < 6
        or decoded == unquote(user)
        or weak_password(decoded)
        or (decoded.isalpha() and decoded.islower())  # a word: a template or demo
        or decoded[0] in "${<*"
        or (password[:1] == "%" and not re.match(r"%[0-9A-Fa-f]{2}", password))
        or " " in decoded
        or is_placeholder(decoded)
        or _EXAMPLE_HOST.search(host)
    )
