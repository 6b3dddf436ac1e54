"""What runs and watches a pipeline: CI/CD and orchestration, chat and alerting, secret
managers, payments."""

from __future__ import annotations

from mlwarden.checks.secrets import verify
from mlwarden.checks.secrets.detectors.common import Detector, token

# A connection URI's password: `scheme://[login]:<password>@[host]` (Airflow allows an empty
# login and, for cloud connections, an empty host).
_URI_PASSWORD = r"""[a-z][a-z0-9+.-]{1,30}://[^\s:@/"'`]{0,100}:(?P<secret>[^\s@"'`/]{1,200})@"""

OPS: tuple[Detector, ...] = (
    # --- CI/CD and orchestration --------------------------------------------------------
    token("SEC043", r"pn[ub]_[A-Za-z0-9]{36}", "pnu_", "pnb_"),
    Detector(
        "SEC044",
        r"""AIRFLOW_CONN_\w+(?:["']?\s*[=:]\s*|\s*\n\s*value:\s*)["']?""" + _URI_PASSWORD,
        literals=("AIRFLOW_CONN_",),
        kind="password",
    ),
    Detector(
        "SEC044",
        r"""AIRFLOW_CONN_\w+["']?\s*[=:]\s*'?\{[^\n]{0,400}?\\?"password\\?"\s*:\s*\\?\""""
        r"""(?P<secret>[^"\\\n]{1,200})""",
        literals=("AIRFLOW_CONN_",),
        kind="password",
    ),
    Detector(
        "SEC044",
        r"""\bairflow\s+connections\s+add\b[^\n]{0,300}?--conn-uri[=\s]+["']?""" + _URI_PASSWORD,
        literals=("--conn-uri",),
        kind="password",
    ),
    Detector(
        "SEC044",
        r"""\bairflow\s+connections\s+add\b[^\n]{0,300}?--conn-password[=\s]+["']?"""
        r"""(?P<secret>[^\s"']{1,200})""",
        literals=("--conn-password",),
        kind="password",
    ),
    token("SEC045", r"CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[0-9a-f]{40}", "CCIPAT_", "CCIPRJ_"),
    token("SEC046", r"bkua_[a-z0-9]{40}", "bkua_"),
    # --- chat and alerting ----------------------------------------------------------------
    token(
        "SEC033",
        r"xoxb-\d{8,14}-\d{8,14}-[A-Za-z0-9]{24}"
        r"|xoxp-\d{8,14}-\d{8,14}-\d{8,14}-[0-9a-f]{32}"
        r"|xox[ars]-\d{1,14}-[A-Za-z0-9-]{20,200}"
        r"|xapp-\d-[A-Z0-9]{8,12}-\d{10,14}-[0-9a-f]{64}"
        r"|xoxe\.xox[bp]-\d-[A-Za-z0-9]{150,180}"
        r"|xoxe-\d-[A-Za-z0-9]{130,160}",
        "xox",
        "xapp-",
    ),
    Detector(
        "SEC033",
        r"(?P<secret>https?://hooks\.slack\.com/(?:"
        r"services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{23,25}"
        r"|workflows/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/\d{10,20}/[A-Za-z0-9]{23,25}"
        r"|triggers/T[A-Z0-9]{6,12}/\d{10,20}/[0-9a-f]{32}))(?![A-Za-z0-9])",
        literals=("hooks.slack.com",),
    ),
    token(
        "SEC047",
        # base64 of the bot's user id: its first two characters fix the first digit.
        r"(?:M[Tjz]|N[DTjz]|O[DT])[A-Za-z0-9_-]{21,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}",
        verify=verify.discord_bot,
    ),
    Detector(
        "SEC047",
        r"(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/"
        r"\d{17,20}/[A-Za-z0-9_-]{60,80})(?![A-Za-z0-9_-])",
        literals=("/api/webhooks/",),
    ),
    Detector(
        "SEC048",
        r"(?P<secret>\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])",
        literals=(":AA",),
        boundary=True,
        left_also=("bot",),
    ),
    token(
        "SEC049",
        r"sntrys_eyJ[A-Za-z0-9+/=]{60,400}_[A-Za-z0-9+/]{43}",
        "sntrys_",
        verify=verify.base64_json("sntrys_", "iat"),
    ),
    token("SEC049", r"sntryu_[0-9a-f]{64}", "sntryu_"),
    # --- secret managers ---------------------------------------------------------------------
    token(
        "SEC050",
        r"hvs\.(?:[A-Za-z0-9]{24}|CAES[A-Za-z0-9_-]{80,200})"
        r"|hvb\.[A-Za-z0-9_-]{138,300}|hvr\.[A-Za-z0-9]{24}",
        "hvs.",
        "hvb.",
        "hvr.",
    ),
    # The legacy `s.` form is too short a prefix to stand alone: only beside `vault`.
    token("SEC050", r"s\.[A-Za-z0-9]{24}", "s.", keywords=("vault",)),
    token(
        "SEC051",
        r"ops_eyJ[A-Za-z0-9+/_-]{200,2000}={0,2}",
        "ops_eyJ",
        verify=verify.base64_json("ops_"),
    ),
    token(
        "SEC051",
        r"A3-[A-Z0-9]{6}-[A-Z0-9]{6}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
        "A3-",
    ),
    token(
        "SEC052",
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,30}\.)?[A-Za-z0-9]{40,44}",
        "dp.",
    ),
    # --- payments ------------------------------------------------------------------------------
    token("SEC034", r"[rs]k_live_(?:[0-9A-Za-z]{24,34}|[0-9A-Za-z]{90,110})", "_live_"),
    token(
        "SEC053",
        r"[rs]k_test_(?:[0-9A-Za-z]{24,34}|[0-9A-Za-z]{90,110})|whsec_[A-Za-z0-9+/=]{32,44}",
        "_test_",
        "whsec_",
    ),
    token(
        "SEC054",
        r"EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43}",
        "EAAA",
        "sq0atp-",
        "sq0csp-",
    ),
    Detector(
        "SEC055",
        r"(?P<secret>access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})"
        r"(?![0-9a-f])",
        literals=("access_token$",),
    ),
)
