"""Private keys and GCP service-account key files (first: a key block is one finding)."""

from __future__ import annotations

from mlwarden.checks.secrets.detectors.common import Detector

KEYS: tuple[Detector, ...] = (
    # GCP before the generic private-key block so a service-account file is one finding.
    # The key may be JSON-escaped once (`\n`) or twice (`\\n`, a JSON file inside a string).
    Detector(
        "SEC023",
        r"""(?:\\{0,3})"private_key(?:\\{0,3})"\s*:\s*(?:\\{0,3})"-----BEGIN PRIVATE KEY-----"""
        r"(?:\\{1,3}n|\s)*(?P<secret>[A-Za-z0-9+/=]{40,})",
        literals=("PRIVATE KEY",),
        keywords=("service_account",),
    ),
    Detector(
        "SEC022",
        r"-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----"
        # Armor headers (`Proc-Type: …`) run to the end of their line, so there is one
        # way through this loop: no backtracking blow-up on odd input.
        r"(?:\\{1,3}[rn]|\s|[A-Za-z-]{1,30}:[^\n\\]*(?:\\{1,3}[rn]|\n)){0,40}?"
        r"(?P<secret>[A-Za-z0-9+/=]{40,})",
        literals=("PRIVATE KEY",),
        kind="private-key",
    ),
)
