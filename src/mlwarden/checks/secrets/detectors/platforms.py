"""Platforms ML teams deploy to, notify through and bill with (the gitleaks census entries
the catalogue keeps), and JSON Web Tokens."""

from __future__ import annotations

from mlwarden.checks.secrets import verify
from mlwarden.checks.secrets.detectors.common import Detector, token

PLATFORMS: tuple[Detector, ...] = (
    token("SEC061", r"HRKU-AA[A-Za-z0-9_-]{58}", "HRKU-AA"),
    token("SEC062", r"SK[0-9a-fA-F]{32}", "SK"),
    token("SEC063", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", "SG."),
    token("SEC064", r"key-[0-9a-f]{32}", "key-"),
    token("SEC066", r"NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}", "NRAK-", "NRII-"),
    token("SEC067", r"glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}", "glsa_"),
    token(
        "SEC067",
        r"glc_eyJ[A-Za-z0-9+/_-]{40,1000}={0,2}",
        "glc_eyJ",
        verify=verify.base64_json("glc_", "k"),
    ),
    token("SEC068", r"lin_api_[A-Za-z0-9]{40}", "lin_api_"),
    token("SEC069", r"ntn_\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}", "ntn_", "secret_"),
    token("SEC070", r"shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32}", "shpat_", "shpca_", "shppa_", "shpss_"),
    token("SEC071", r"PMAK-[0-9a-f]{24}-[0-9a-f]{34}", "PMAK-"),
    token("SEC072", r"pul-[0-9a-f]{40}", "pul-"),
    token("SEC073", r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,70}", ".atlasv1."),
    token(
        "SEC074",
        # Macaroon tokens: a comma-joined list, or one long macaroon.
        r"fo1_[A-Za-z0-9_-]{43}"
        r"|fm[12][ar]?_[A-Za-z0-9+/=_-]{100,}(?:,(?:fm[12][ar]?_)?[A-Za-z0-9+/=_-]{20,})+"
        r"|fm[12][ar]?_[A-Za-z0-9+/=_-]{200,}",
        "fo1_",
        "fm1",
        "fm2",
    ),
    token("SEC076", r"nfp_[A-Za-z0-9]{36}", "nfp_"),
    token("SEC077", r"sbp_[0-9a-f]{40}|sb_secret_[A-Za-z0-9_-]{31}", "sbp_", "sb_secret_"),
    token("SEC078", r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_]{43}", "pscale_"),
    # Last: a provider's own JWT-shaped key (Supabase service role) is still a JWT.
    token(
        "SEC057",
        r"eyJ[A-Za-z0-9_-]{10,2000}\.ey[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,1000}",
        "eyJ",
        verify=verify.jwt,
    ),
)
