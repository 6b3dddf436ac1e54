"""The secrets hook's detectors, as data: one regex each, with cheap prefilters.

Every detector names its secret with the group `(?P<secret>…)`. A detector runs on a
text only when one of its `literals` occurs in it (case-sensitive `in`, a memchr-speed
scan) and, for context-anchored keys, one of its `keywords` occurs in the lower-cased
text. Most files contain none of them, so most detectors never run their regex.

Order matters: when two detectors claim overlapping text, the earlier one wins (a key
block before anything inside it, a provider rule before the HTTP, URL and generic rules).
"""

from __future__ import annotations

import re
from functools import cache

from mlwarden.checks.secrets.detectors.ai import AI
from mlwarden.checks.secrets.detectors.cloud import CLOUD
from mlwarden.checks.secrets.detectors.common import Detector
from mlwarden.checks.secrets.detectors.hosting import HOSTING
from mlwarden.checks.secrets.detectors.http import HTTP
from mlwarden.checks.secrets.detectors.keys import KEYS
from mlwarden.checks.secrets.detectors.ops import OPS
from mlwarden.checks.secrets.detectors.platforms import PLATFORMS

DETECTORS: tuple[Detector, ...] = (*KEYS, *AI, *HOSTING, *CLOUD, *OPS, *PLATFORMS, *HTTP)

# URLs with user-info (`scheme://user:password@host`); split and judged in code.
URL_PATTERN = (
    r"""://(?P<userinfo>[^\s/?#@"'`<>\\]{1,300})@(?P<host>[A-Za-z0-9\[][A-Za-z0-9.:\]-]*)"""
)
# A line that configures a package index: credentials there are SEC031, not SEC030.
INDEX_LINE_PATTERN = (
    r"(?i)index[-_]url|find[-_]links|extra[-_]index|PIP_INDEX|\[\[tool\.uv\.index"
    r"|(?:^|[\s\"'(])(?:-i|-f|--index)[ =]"
)


# Prefixes inside larger regexes that the literals below do not name on their own.
_MORE_PREFIXES = (
    "sk-proj-", "sk-svcacct-", "sk-admin-", "sk-ant-", "hf_", "r8_", "AIza", "dapi", "xox",
    "ATBB", "ATATT3", "ATCTT3", "AKIA", "ASIA", "ABSK", "pypi-", "ghp_", "gho_", "ghu_",
    "ghs_", "ghr_", "sk_live_", "rk_live_", "sk_test_", "rk_test_",
)  # fmt: skip


@cache
def _prefixes() -> re.Pattern[str]:
    literals = {
        lit
        for d in DETECTORS
        if d.kind == "token"
        for lit in d.literals
        if len(lit) >= 4 and lit[-1] in "_-." and lit[0] not in "_."
    }
    ordered = sorted(literals.union(_MORE_PREFIXES), key=len, reverse=True)
    return re.compile("|".join(re.escape(lit) for lit in ordered))


def provider_prefixed(value: str) -> bool:
    """A value that starts with a provider's own prefix (`ghp_`, `sk-ant-`, `NRAK-`), or has a
    JWT's shape, is judged by that provider's rule alone: when the rule rejected it (wrong
    length, bad checksum, placeholder body), the generic and HTTP rules must not report it."""
    return _prefixes().match(value) is not None or _JWT.fullmatch(value) is not None


# Keys that are public by design: PostHog project keys, Stripe publishable keys, Langfuse
# and Supabase public keys. Never a secret, whatever name holds them.
_PUBLIC = re.compile(r"phc_|pk_live_|pk_test_|pk-lf-|sb_publishable_")


def public_by_design(value: str) -> bool:
    return _PUBLIC.match(value) is not None


# A JWT's shape: SEC057 decides whether it is a live token or a sample.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.ey[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


__all__ = [
    "DETECTORS",
    "INDEX_LINE_PATTERN",
    "URL_PATTERN",
    "Detector",
    "provider_prefixed",
    "public_by_design",
]
