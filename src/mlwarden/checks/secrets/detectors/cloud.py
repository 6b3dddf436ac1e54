"""Clouds: AWS (access keys, Bedrock API keys), Azure (Entra ID client secrets, storage
account keys, SAS signatures). Google API keys and service-account files are in `ai.py` and
`keys.py`."""

from __future__ import annotations

from mlwarden.checks.secrets import verify
from mlwarden.checks.secrets.detectors.common import ASSIGN, A, Detector, token

CLOUD: tuple[Detector, ...] = (
    token(
        "SEC018",
        # The 16 characters encode the account in base32 ([A-Z2-7]); [A-Z0-9] is accepted
        # too: a critical key is not worth missing over an undocumented detail.
        r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
        "AKIA",
        "ASIA",
        "ABIA",
        "ACCA",
    ),
    Detector(
        "SEC018",
        r"(?i:aws[_-]?secret[_-]?(?:access[_-]?)?key)"
        + ASSIGN
        + r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        keywords=("aws",),
    ),
    # Bedrock long-term keys: `ABSK` + base64("BedrockAPIKey-…"); short-term keys:
    # `bedrock-api-key-` + base64 of a presigned `bedrock.amazonaws.com` URL.
    token(
        "SEC040",
        r"ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,400}={0,2}",
        "ABSKQmVkcm9ja0FQSUtleS",
        verify=verify.bedrock_long_term,
    ),
    token(
        "SEC040",
        r"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{40,4000}={0,2}",
        "bedrock-api-key-",
        verify=verify.bedrock_short_term,
    ),
    # Entra ID client secrets: 3 characters, a digit, `Q~`, 34 more (40 in all).
    Detector(
        "SEC041",
        r"(?P<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})" + A + r"(?![~.])",
        literals=("Q~",),
        boundary=True,
    ),
    # Storage account keys are 64 bytes: 88 base64 characters ending `==`.
    Detector(
        "SEC042",
        r"AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)",
        literals=("AccountKey=",),
    ),
    Detector(
        "SEC042",
        r"(?i:(?:storage|account)[_-]?(?:account[_-]?)?key)"
        + ASSIGN
        + r"(?P<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])",
        keywords=("key",),
    ),
    # SAS: the `sig=` of a query that also names its version (`sv=`) — the signature is the
    # secret; the rest of the query is public.
    Detector(
        "SEC042",
        r"\bsv=\d{4}-\d\d-\d\d&[^\s\"'<>`]{0,400}?\bsig="
        r"(?P<secret>(?:[A-Za-z0-9+/]|%2[BbFf]){40,}(?:%3[Dd]|=){0,2})",
        literals=("sig=",),
    ),
)
