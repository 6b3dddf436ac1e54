"""Fake but well-formed secrets, generated at test time.

Nothing secret-shaped is committed in the test sources: push protection and other
scanners would (rightly) flag it. A seeded RNG keeps the values deterministic.
"""

from __future__ import annotations

import random
import string

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER = string.ascii_uppercase + string.digits


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
            "openai_admin": lambda: "sk-admin-" + c(60),
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
            "aws": lambda: "AKIA" + c(16, UPPER),
            "aws_secret": lambda: c(40, ALNUM + "/+"),
            "github": lambda: "ghp_" + c(36),
            "github_pat": lambda: "github_pat_" + c(22) + "_" + c(59),
            "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + c(70, ALNUM + "_-"),
            "docker": lambda: "dckr_pat_" + c(27, ALNUM + "_-"),
            "cohere": lambda: c(40),
            "mistral": lambda: c(32),
            "azure": lambda: h(32),
            "deepseek": lambda: "sk-" + h(32),
            "comet": lambda: c(25),
            "neptune": lambda: "eyJhcGlfYWRkcmVzcyI6" + c(120, ALNUM + "+/") + "==",
            "slack": lambda: (
                "xoxb-" + c(12, string.digits) + "-" + c(13, string.digits) + "-" + c(24)
            ),
            "stripe": lambda: "sk_" + "live_" + c(32),
            "password": lambda: c(6) + "!" + c(6, string.digits) + "Qz",
            "generic": lambda: c(32),
        }
        return makers[kind]()

    def private_key_block(self, kind: str = "RSA ") -> str:
        body = "\n".join(self.chars(64, ALNUM + "+/") for _ in range(6))
        return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----\n"
