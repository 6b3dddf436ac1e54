"""Offline structure checks for tokens that carry one: a checksum, an encoding, a layout.

A token of the right shape whose checksum or structure is wrong was typed by hand (a
placeholder, a docs example, a test string): it cannot authenticate, so it is not reported.
Each check follows the provider's published format; none contacts the provider.

Written here rather than taken from a library: CRC-32 is `zlib.crc32`, and the macaroon and
JWT layouts need ~20 lines each (pymacaroons/PyJWT would be two dependencies to read a header).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import zlib
from collections.abc import Callable
from typing import Any

from mlwarden.checks.secrets.placeholders import is_placeholder_shape

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 62)
        out = _B62[rest] + out
    return out.rjust(width, "0")


def crc32_base62(token: str) -> bool:
    """GitHub classic (`ghp_` …) and npm (`npm_`) tokens: prefix, 30 random base62 characters,
    then the CRC-32 of those 30 in 6 base62 digits (github.blog, 2021-04-05 and 2021-09-23)."""
    _, _, rest = token.partition("_")
    if len(rest) != 36:
        return False
    body, checksum = rest[:30], rest[30:]
    return _base62(zlib.crc32(body.encode()), 6) == checksum


def b64decode(text: str, *, urlsafe: bool = False) -> bytes | None:
    """Lenient base64 (padding optional, either alphabet when `urlsafe`); None if not base64."""
    cleaned = text.rstrip("=")
    if urlsafe:
        cleaned = cleaned.replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def json_object(data: bytes | None) -> dict[str, Any] | None:
    """`data` as a JSON object, or None."""
    if not data or data.lstrip()[:1] != b"{":
        return None
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data) and shift < 35:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise ValueError("truncated varint")


def _macaroon_fields(data: bytes, pos: int) -> tuple[list[tuple[int, bytes]], int]:
    """One section of a v2 macaroon: (type, data) fields up to the end-of-section 0."""
    fields: list[tuple[int, bytes]] = []
    while True:
        if pos >= len(data):
            raise ValueError("truncated section")
        kind = data[pos]
        pos += 1
        if kind == 0:
            return fields, pos
        size, pos = _varint(data, pos)
        if pos + size > len(data):
            raise ValueError("field past the end")
        fields.append((kind, data[pos : pos + size]))
        pos += size


def pypi_macaroon(token: str) -> bool:
    """PyPI API tokens: `pypi-` + base64url of a v2 macaroon (version byte 2; header section
    with location `pypi.org`/`test.pypi.org` and an identifier; caveat sections; an empty
    section; a 32-byte signature field, type 6) — pypitoken docs, libmacaroons format v2."""
    data = b64decode(token.removeprefix("pypi-"), urlsafe=True)
    if not data or data[0] != 2:
        return False
    try:
        header, pos = _macaroon_fields(data, 1)
        if dict(header).get(1, b"").rstrip(b"/") not in (b"pypi.org", b"test.pypi.org"):
            return False
        while True:
            caveat, pos = _macaroon_fields(data, pos)
            if not caveat:
                break
        kind = data[pos]
        size, pos = _varint(data, pos + 1)
    except (ValueError, IndexError):
        return False
    return kind == 6 and size == 32 and pos + size == len(data)


def jwt(token: str) -> bool:
    """A JSON Web Token (RFC 7519): base64url JSON header with `alg`, JSON claims, and a
    signature. Unsigned (`alg: none`) tokens and Supabase's public `anon` keys authenticate
    nobody; tokens signed with a documentation key (`secret`, jwt.io's
    `your-256-bit-secret`) or whose claims are placeholders are samples: not reported."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[2]) < 16:
        return False
    header = json_object(b64decode(parts[0], urlsafe=True))
    claims = json_object(b64decode(parts[1], urlsafe=True))
    if header is None or claims is None or not isinstance(header.get("alg"), str):
        return False
    if header["alg"].lower() == "none" or claims.get("role") == "anon":
        return False
    if _signed_with_a_demo_key(parts, header["alg"]):
        return False
    # A sample token (jwt.io's `"sub": "1234567890"`) has placeholder claims.
    return not any(isinstance(v, str) and is_placeholder_shape(v) for v in claims.values())


# Keys documentation signs its sample tokens with (jwt.io's defaults, README examples).
_DEMO_KEYS = (b"secret", b"your-256-bit-secret", b"your-384-bit-secret", b"your-512-bit-secret",
              b"key", b"password", b"changeme", b"test", b"")  # fmt: skip
_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def _signed_with_a_demo_key(parts: list[str], alg: str) -> bool:
    """An HMAC-signed JWT whose signature verifies with a documentation key is a sample."""
    digest = _HMAC.get(alg.upper())
    signature = b64decode(parts[2], urlsafe=True)
    if digest is None or signature is None:
        return False
    signed = f"{parts[0]}.{parts[1]}".encode()
    return any(
        hmac.compare_digest(hmac.new(key, signed, digest).digest(), signature) for key in _DEMO_KEYS
    )


def discord_bot(token: str) -> bool:
    """Discord bot tokens start with the bot's user id (a 17-20 digit snowflake) in base64."""
    user = b64decode(token.split(".", 1)[0])
    return user is not None and re.fullmatch(rb"[1-9]\d{16,19}", user) is not None


def base64_json(prefix: str, *keys: str) -> Callable[[str], bool]:
    """A token that is `prefix` + base64 of a JSON object holding all of `keys` (Neptune,
    Sentry organization tokens, 1Password service accounts, Grafana Cloud); a trailing
    `_<signature>` is allowed."""

    def check(token: str) -> bool:
        body = token.removeprefix(prefix).split("_", 1)[0]
        document = json_object(b64decode(body, urlsafe=True))
        return document is not None and all(key in document for key in keys)

    return check


def bedrock_long_term(token: str) -> bool:
    """Amazon Bedrock long-term keys: `ABSK` + base64 of `BedrockAPIKey-…:<secret>`."""
    data = b64decode(token.removeprefix("ABSK"))
    return data is not None and data.startswith(b"BedrockAPIKey-") and b":" in data


def bedrock_short_term(token: str) -> bool:
    """Amazon Bedrock short-term keys: `bedrock-api-key-` + base64 of a SigV4-presigned
    `bedrock.amazonaws.com` URL (it carries `X-Amz-Signature=`)."""
    data = b64decode(token.removeprefix("bedrock-api-key-"))
    return data is not None and data.startswith(b"bedrock.amazonaws.com") and b"X-Amz-" in data
