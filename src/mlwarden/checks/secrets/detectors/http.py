"""HTTP credentials outside code: command lines (`curl -u`, `-H "Authorization: …"`, `wget
--password`, `http -a`) and `.netrc` entries."""

from __future__ import annotations

from mlwarden.checks.secrets.detectors.common import Detector

# One logical command line: continuation lines (`\` + newline) belong to it.
_LINE = r"(?:[^\n\\]|\\\n|\\[^\n]){0,600}?"
# `user:password` after a basic-auth flag, each part quoted or not: the password is the
# secret; with an empty password (`-u sk_live_…:`, `-u "$TOKEN:"`) the user is.
_USER_PASS = (
    r"""(?P<q1>["']?)(?P<user>[^\s:"'`]{0,100})(?:(?P=q1):(?P<q2>["']?)|:)"""
    r"""(?P<secret>[^\s"'`]{0,200})(?:(?P=q2)|(?P=q1))(?=\s|$|\\)"""
)
# A header whose name says it carries a credential, or any `Authorization: <scheme> <value>`.
_AUTH_HEADER = (
    r"(?i:(?:proxy-)?authorization\s*:\s*[a-z][\w-]{0,20}\s+"
    r"|[a-z0-9-]{0,30}(?:api-?key|token|secret|auth)[a-z0-9-]{0,20}\s*:\s*)"
)

HTTP: tuple[Detector, ...] = (
    Detector(
        "SEC059",
        r"\b(?:curl|wget)\b" + _LINE + r"\s(?:-u\s*|--user[=\s]\s*)" + _USER_PASS,
        literals=("-u", "--user"),
        kind="password",
    ),
    Detector(
        "SEC059",
        r"\b(?:http|https|xh|xhs)\s" + _LINE + r"(?<=\s)(?:-a\s*|--auth[=\s]\s*)" + _USER_PASS,
        literals=("-a", "--auth"),
        kind="password",
    ),
    Detector(
        "SEC059",
        r"\bwget\b" + _LINE + r"""\s--(?:http-|proxy-|ftp-)?password[=\s]\s*"""
        r"""(?P<q>["']?)(?P<secret>[^\s"'`]{1,200})(?P=q)""",
        literals=("-password",),
        kind="password",
    ),
    Detector(
        "SEC059",
        r"""(?:\s-H\s*|\s--header[=\s]\s*)(?P<q>\\?["'])"""
        + _AUTH_HEADER
        + r"""(?P<secret>[^\s"'`\\]{1,500})(?P=q)""",
        literals=("-H", "--header"),
        kind="header",
    ),
    # `.netrc`: `machine <host> [login <user>] [account <a>] password <secret>`, on one line
    # or several (the format is whitespace-separated tokens).
    Detector(
        "SEC060",
        r"(?:\bmachine\s+\S+|\bdefault)(?:\s+(?:login|account|port)\s+\S+){0,3}"
        r"\s+password\s+(?P<secret>\S{1,200})",
        literals=("password",),
        keywords=("machine", "default"),
        kind="password",
    ),
)
