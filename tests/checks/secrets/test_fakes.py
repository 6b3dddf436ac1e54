"""Fake but well-formed secrets, generated at test time.

Nothing secret-shaped is committed in the test sources: push protection and other
scanners would (rightly) flag it. A seeded RNG keeps the values deterministic.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER = string.ascii_uppercase + string.digits
BASE32 = string.ascii_uppercase + "234567"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def base62(number: int, width: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 62)
        out = B62[rest] + out
    return out.rjust(width, "0")


def b64json(document: dict[str, object]) -> str:
    return base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()


def crc_token(prefix: str, body: str) -> str:
    """GitHub classic / npm layout: 30 random characters, then their CRC-32 in base62."""
    return f"{prefix}_{body}{base62(zlib.crc32(body.encode()), 6)}"


class Fakes:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)

    def chars(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.chars(n, HEX)

    def uuid(self) -> str:
        return "-".join(self.hex(n) for n in (8, 4, 4, 4, 12))

    def token(self, kind: str) -> str:
        """A token in the provider's format; `kind` is a short provider name."""
        c, h = self.chars, self.hex
        makers = {
            "hf": lambda: "hf_" + c(34),
            "hf_org": lambda: "api_org_" + c(34),
            "openai": lambda: "sk-" + c(20) + "T3Blbk" + "FJ" + c(20),
            "openai_proj": lambda: "sk-proj-" + c(74, ALNUM + "_-") + "T3Blbk" + "FJ" + c(40),
            "openai_admin": lambda: "sk-admin-" + c(58) + "T3Blbk" + "FJ" + c(58),
            "anthropic": lambda: "sk-ant-api03-" + c(93, ALNUM + "_-") + "AA",
            "anthropic_admin": lambda: "sk-ant-admin01-" + c(93) + "AA",
            "replicate": lambda: "r8_" + c(37),
            "wandb_v1": lambda: "wandb_v1_" + c(77),
            "wandb": lambda: h(40),
            "databricks": lambda: "dapi" + h(32),
            "kaggle_new": lambda: "KGAT_" + h(32),
            "kaggle": lambda: h(32),
            "groq": lambda: "gsk_" + c(52),
            "perplexity": lambda: "pplx-" + c(48),
            "together": lambda: "tgp_v1_" + c(43, ALNUM + "_-"),
            "pinecone": lambda: "pcsk_" + c(6) + "_" + c(63),
            "pinecone_legacy": self.uuid,
            "langsmith": lambda: "lsv2_pt_" + h(32) + "_" + h(10),
            "langfuse": lambda: "sk-lf-" + self.uuid(),
            "google": lambda: "AIza" + c(35, ALNUM + "_-"),
            "xai": lambda: "xai-" + c(80),
            "openrouter": lambda: "sk-or-v1-" + h(64),
            "nvidia": lambda: "nvapi-" + c(64, ALNUM + "_-"),
            "aws": lambda: "AKIA" + c(16, BASE32),
            "aws_secret": lambda: c(40, ALNUM + "/+"),
            "github": lambda: crc_token("ghp", c(30)),
            "github_pat": lambda: "github_pat_" + c(22) + "_" + c(59),
            "pypi": self.pypi,
            "docker": lambda: "dckr_pat_" + c(27, ALNUM + "_-"),
            "cohere": lambda: c(40),
            "mistral": lambda: c(32),
            "azure": lambda: h(32),
            "deepseek": lambda: "sk-" + h(32),
            "comet": lambda: c(25),
            "neptune": lambda: b64json(
                {"api_address": "https://app.neptune.ai", "api_key": self.uuid()}
            ),
            "slack": lambda: (
                "xoxb-" + c(12, string.digits) + "-" + c(13, string.digits) + "-" + c(24)
            ),
            "stripe": lambda: "sk_" + "live_" + c(32),
            **self._pipeline(),
            "password": lambda: c(6) + "!" + c(6, string.digits) + "Qz",
            "generic": lambda: c(32),
        }
        return makers[kind]()

    def _pipeline(self) -> dict[str, Callable[[], str]]:
        """The providers around an ML pipeline (rules SEC035-SEC086)."""
        c, h = self.chars, self.hex
        dash = ALNUM + "_-"
        lower = string.ascii_lowercase + string.digits
        return {
            "gitlab": lambda: "glpat-" + c(20, dash),
            "gitlab_runner": lambda: "glrt-" + c(20, dash),
            "bitbucket": lambda: "ATBB" + c(28) + h(8).upper(),
            "atlassian": lambda: "ATATT3x" + "FfGF0" + c(180, dash) + "=" + h(8).upper(),
            "npm": lambda: crc_token("npm", c(30)),
            "nuget": lambda: "oy2" + c(43, lower),
            "rubygems": lambda: "rubygems_" + h(48),
            "bedrock": lambda: (
                "ABSK"
                + base64.b64encode(
                    f"BedrockAPIKey-{c(4, lower)}-at-{c(12, string.digits)}:{c(40)}".encode()
                ).decode()
            ),
            "azure_ad": lambda: c(3) + "8Q~" + c(34, ALNUM + "_~.-"),
            "azure_storage": lambda: base64.b64encode(self.bytes(64)).decode(),
            "azure_sig": lambda: (
                base64.b64encode(self.bytes(32))
                .decode()
                .replace("+", "%2B")
                .replace("/", "%2F")
                .replace("=", "%3D")
            ),
            "prefect": lambda: "pnu_" + c(36),
            "circleci": lambda: "CCIPAT_" + c(22) + "_" + h(40),
            "buildkite": lambda: "bkua_" + c(40, lower),
            "discord": lambda: (
                base64.b64encode(("1" + c(18, string.digits)).encode()).decode().rstrip("=")
                + "."
                + c(6, dash)
                + "."
                + c(38, dash)
            ),
            "discord_webhook": lambda: (
                "https://discord.com/api/webhooks/1" + c(18, string.digits) + "/" + c(68, dash)
            ),
            "telegram": lambda: "7" + c(9, string.digits) + ":AA" + c(33, dash),
            "sentry": lambda: "sntryu_" + h(64),
            "vault": lambda: "hvs." + c(24),
            "onepassword": lambda: (
                "A3-"
                + "-".join(c(n, string.ascii_uppercase + string.digits) for n in (6, 6, 5, 5, 5, 5))
            ),
            "doppler": lambda: "dp.pt." + c(43),
            "stripe_test": lambda: "sk_" + "test_" + c(24),
            "square": lambda: "EAAA" + c(60, dash),
            "braintree": lambda: "access_token$production$" + c(16, lower) + "$" + h(32),
            "paypal": lambda: "E" + c(79, dash),
            "jwt": self.jwt,
            "heroku": lambda: "HRKU-AA" + c(58, dash),
            "twilio": lambda: "SK" + h(32),
            "sendgrid": lambda: "SG." + c(22, dash) + "." + c(43, dash),
            "mailgun": lambda: "key-" + h(32),
            "datadog": lambda: h(32),
            "newrelic": lambda: "NRAK-" + c(27, string.ascii_uppercase + string.digits),
            "grafana": lambda: "glsa_" + c(32) + "_" + h(8),
            "linear": lambda: "lin_api_" + c(40),
            "notion": lambda: "ntn_" + c(11, string.digits) + c(35),
            "shopify": lambda: "shpat_" + h(32),
            "postman": lambda: "PMAK-" + h(24) + "-" + h(34),
            "pulumi": lambda: "pul-" + h(40),
            "terraform": lambda: c(14) + ".atlas" + "v1." + c(67, dash),
            "flyio": lambda: "fo1_" + c(43, dash),
            "vercel": lambda: c(24),
            "netlify": lambda: "nfp_" + c(36),
            "supabase": lambda: "sbp_" + h(40),
            "planetscale": lambda: "pscale_" + "tkn_" + c(43),
            "fireworks": lambda: "fw_" + c(24),
            "modal": lambda: "as-" + c(22),
            "runpod": lambda: "rpa_" + c(40, string.ascii_uppercase + string.digits),
            "lambda": lambda: "secret_" + "ranker_" + h(32) + "." + c(32),
            "elevenlabs": lambda: "sk_" + h(48),
            "weaviate": lambda: c(40),
            "qdrant": lambda: c(42, dash),
            "clearml": lambda: c(50),
        }

    def bytes(self, n: int) -> bytes:
        return bytes(self.rng.randrange(256) for _ in range(n))

    def jwt(self, claims: dict[str, object] | None = None, alg: str = "HS256") -> str:
        def part(document: dict[str, object]) -> str:
            raw = json.dumps(document, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")

        body = claims or {"sub": self.uuid(), "role": "service", "exp": 1_900_000_000}
        signature = base64.urlsafe_b64encode(self.bytes(32)).decode().rstrip("=")
        return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(body)}.{signature}"

    def pypi(self) -> str:
        """`pypi-` + base64url of a v2 macaroon: location, identifier, a caveat, signature."""

        def field(kind: int, data: bytes) -> bytes:
            return bytes([kind, len(data)]) + data

        caveat = b'{"version": 1, "permissions": "user"}'
        blob = (
            b"\x02"
            + field(1, b"pypi.org")
            + field(2, self.uuid().encode())
            + b"\x00"
            + field(2, caveat)
            + b"\x00\x00"
            + field(6, bytes(self.rng.randrange(256) for _ in range(32)))
        )
        return "pypi-" + base64.urlsafe_b64encode(blob).decode().rstrip("=")

    def private_key_block(self, kind: str = "RSA ") -> str:
        body = "\n".join(self.chars(64, ALNUM + "+/") for _ in range(6))
        return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----\n"
