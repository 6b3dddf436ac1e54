"""Source hosting and package registries: GitHub, GitLab, Atlassian/Bitbucket, PyPI, npm,
NuGet, RubyGems, Docker Hub."""

from __future__ import annotations

from mlwarden.checks.secrets import verify
from mlwarden.checks.secrets.detectors.common import Detector, token

# GitLab: every documented prefix with its body length, plus the routable form of any of
# them (`<prefix><base64url payload>.<2-char version><7 base36 CRC>`, dot optional).
_GITLAB = (
    r"(?:glpat-|gldt-|glft-|glsoat-|glffct-|GR1348941)[A-Za-z0-9_-]{20}"
    r"|glrt-(?:t\d_)?[A-Za-z0-9_-]{20,27}"
    r"|glcbt-[0-9a-f]{1,5}_[A-Za-z0-9_-]{20}"
    r"|glimt-[A-Za-z0-9_-]{25}"
    r"|glagent-[A-Za-z0-9_-]{50}"
    r"|gloas-[A-Za-z0-9_-]{64}"
    r"|glptt-[0-9a-f]{40}"
    r"|gl(?:pat|dt|rt|cbt|ft|imt|soat|ffct|agent|oas)-[A-Za-z0-9_-]{27,300}"
    r"\.[0-9a-z]{2}\.?[0-9a-z]{7}"
)

HOSTING: tuple[Detector, ...] = (
    token(
        "SEC019",
        r"gh[pousr]_[A-Za-z0-9]{36}",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        verify=verify.crc32_base62,
    ),
    token("SEC019", r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", "github_pat_"),
    token(
        "SEC035",
        _GITLAB,
        "glpat-",
        "gldt-",
        "glrt-",
        "glcbt-",
        "glft-",
        "glimt-",
        "glsoat-",
        "glffct-",
        "glagent-",
        "gloas-",
        "glptt-",
        "GR1348941",
    ),
    # Bitbucket app passwords end in an 8-hex CRC-32 (input undocumented: shape only);
    # Atlassian API and access tokens: `AT?TT3xFfG?0` + base64url + `=` + 8 hex.
    token("SEC036", r"ATBB[A-Za-z0-9]{28,32}[A-F0-9]{8}", "ATBB"),
    token("SEC036", r"AT[AC]TT3xFfG[FN]0[A-Za-z0-9_=-]{150,300}=[A-F0-9]{8}", "TT3xFfG"),
    token(
        "SEC020",
        r"pypi-AgE[A-Za-z0-9_-]{50,}",
        "pypi-AgE",
        verify=verify.pypi_macaroon,
    ),
    token("SEC037", r"npm_[A-Za-z0-9]{36}", "npm_", verify=verify.crc32_base62),
    token("SEC038", r"oy2[a-z0-9]{43}", "oy2"),
    token("SEC039", r"rubygems_[0-9a-f]{48}", "rubygems_"),
    token("SEC021", r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{24,36}", "dckr_"),
)
