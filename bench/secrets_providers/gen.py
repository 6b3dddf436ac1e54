"""Seeded random material for the provider corpus: bodies, checksums, encodings.

Every fake secret in the corpus comes from one `Gen` seeded by `build.py --seed`, so the
corpus is the same on every machine. Nothing here is a real credential: bodies are random,
and only the structure (prefix, length, charset, checksum) follows the provider's format.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + DIGITS
B62 = DIGITS + UPPER + LOWER  # the base62 alphabet GitHub's and npm's checksums use
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BASE32 = UPPER + "234567"
B36 = DIGITS + LOWER


def base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 62)
        out = B62[rest] + out
    return out.rjust(width, "0")


def base36(number: int, width: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = B36[rest] + out
    return out.rjust(width, "0")


def crc32_b62(body: str) -> str:
    """The 6-character checksum of GitHub and npm tokens: CRC-32 of the random part."""
    return base62(zlib.crc32(body.encode()), 6)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + varint(len(data)) + data


def pypi_token(identifier: str, caveat: str, key: bytes) -> str:
    """A PyPI API token: `pypi-` + base64url of a v2 macaroon located at pypi.org."""
    blob = (
        b"\x02"
        + _field(1, b"pypi.org")
        + _field(2, identifier.encode())
        + b"\x00"
        + _field(2, caveat.encode())
        + b"\x00\x00"
        + _field(6, key)
    )
    return "pypi-" + b64url(blob)


class Gen:
    """All randomness of one corpus build."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        """`n` random characters, never an accidental run that looks like a placeholder."""
        while True:
            out = "".join(self.r.choice(alphabet) for _ in range(n))
            low = out.lower()
            if "xxxx" not in low and "example" not in low and "****" not in out:
                return out

    def mixed(self, n: int, alphabet: str = ALNUM) -> str:
        """Like `s`, but with upper case, lower case and a digit, when the alphabet allows."""
        while True:
            out = self.s(n, alphabet)
            wanted = [set(UPPER), set(LOWER), set(DIGITS)]
            if all(not (w & set(alphabet)) or (w & set(out)) for w in wanted):
                return out

    def hex(self, n: int) -> str:
        return self.s(n, HEX)

    def digits(self, n: int) -> str:
        return self.r.choice("123456789") + self.s(n - 1, DIGITS)

    def uuid(self) -> str:
        return "-".join(self.hex(n) for n in (8, 4, 4, 4, 12))

    def bytes(self, n: int) -> bytes:
        return bytes(self.r.randrange(256) for _ in range(n))

    def pick(self, items):
        return self.r.choice(items)

    def int(self, low: int, high: int) -> int:
        return self.r.randint(low, high)

    def word(self) -> str:
        return self.pick(
            ["acme", "mlops", "vision", "ranker", "fraud", "search", "speech", "forecast"]
        )

    def password(self, n: int = 18) -> str:
        while True:
            out = self.s(n, ALNUM + "!#%^*-_+=~")
            if any(c in out for c in "!#%^*-_+=~") and any(c.isdigit() for c in out):
                return out

    # --- structured formats -------------------------------------------------------------
    def github_classic(self, prefix: str) -> str:
        body = self.mixed(30)
        return f"{prefix}_{body}{crc32_b62(body)}"

    def jwt(self, claims: dict[str, object] | None = None) -> str:
        header = {"alg": self.pick(["HS256", "RS256", "ES256"]), "typ": "JWT"}
        now = 1_700_000_000 + self.int(0, 50_000_000)
        payload = claims or {
            "sub": self.uuid(),
            "iat": now,
            "exp": now + 3600 * self.int(1, 720),
            "role": self.pick(["service", "admin", "trainer", "reader"]),
        }
        parts = [json.dumps(header, separators=(",", ":")), json.dumps(payload)]
        encoded = [b64url(p.encode()) for p in parts]
        return ".".join([*encoded, b64url(self.bytes(32 if header["alg"] == "HS256" else 64))])

    def pypi_macaroon(self) -> str:
        """A PyPI API token: `pypi-` + base64url of a v2 macaroon located at pypi.org."""
        caveat = self.pick(
            [
                '{"version": 1, "permissions": "user"}',
                json.dumps({"version": 1, "permissions": {"projects": [self.word() + "-ml"]}}),
                json.dumps([3, self.uuid()]),
            ]
        )
        return pypi_token(self.uuid(), caveat, self.bytes(32))

    def gitlab_routable(self, prefix: str) -> str:
        """GitLab's routable token: base64url payload, `.`, 2-char version, 7-char CRC."""
        routing = f"o:{self.int(1, 99999):x}\nu:{self.int(1, 9999999):x}\nt:{self.int(1, 9)}"
        payload = b64url(self.bytes(16) + routing.encode())
        head = f"{prefix}{payload}.01"
        return head + base36(zlib.crc32(head.encode()), 7)

    def pem_body(self, lead: bytes, size: int) -> list[str]:
        text = b64(lead + self.bytes(size))
        return [text[i : i + 64] for i in range(0, len(text), 64)]

    def openssh_body(self) -> list[str]:
        def sshstr(data: bytes) -> bytes:
            return len(data).to_bytes(4, "big") + data

        pub = sshstr(b"ssh-ed25519") + sshstr(self.bytes(32))
        blob = (
            b"openssh-key-v1\x00"
            + sshstr(b"none")
            + sshstr(b"none")
            + sshstr(b"")
            + (1).to_bytes(4, "big")
            + sshstr(pub)
            + sshstr(self.bytes(136))
        )
        text = b64(blob)
        return [text[i : i + 70] for i in range(0, len(text), 70)]
