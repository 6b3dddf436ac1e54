"""Turning engine hits into findings: redaction, fingerprints, messages, baseline hashes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlwarden.checks.secrets.engine import Hit, redact
from mlwarden.checks.secrets.names import words
from mlwarden.checks.secrets.rules import ADVICE, ENV_NAMES, LABELS, RULES
from mlwarden.core.findings import Finding
from mlwarden.core.sources import Source

NAME = "secrets"

# Never worth reading: binary artifacts (the models hook looks at those) and baselines.
_SKIP_SUFFIXES = words(
    """
    .png .jpg .jpeg .gif .bmp .ico .webp .svgz .pdf .zip .gz .tgz .bz2 .xz .zst .7z .tar
    .whl .pt .pth .bin .ckpt .safetensors .onnx .h5 .hdf5 .pb .tflite .pkl .pickle .joblib
    .npy .npz .parquet .feather .arrow .avro .orc .so .dylib .dll .exe .woff .woff2 .ttf
    .mp3 .mp4 .wav .flac .db .sqlite .lance .pyc
    """
)
_SKIP_NAMES = frozenset({".secrets.baseline", ".mlwarden-secrets-baseline.json"})
# Hashes and checksums, never credentials: only the provider rules run on these.
_NO_GENERIC_NAMES = words(
    """
    poetry.lock uv.lock Pipfile.lock package-lock.json yarn.lock pnpm-lock.yaml dvc.lock
    go.sum Cargo.lock pdm.lock conda-lock.yml
    """
)
_RULES_BY_ID = {rule.id: rule for rule in RULES}


@dataclass(frozen=True)
class Detection:
    """A finding plus the hashes the baseline needs; the secret itself is not kept."""

    finding: Finding
    baseline_path: str  # POSIX path relative to the repository root
    sha256: str
    sha1: str


def wanted(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.suffix.lower() not in _SKIP_SUFFIXES and pure.name not in _SKIP_NAMES


def generic_applies(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.name not in _NO_GENERIC_NAMES and pure.suffix not in (".dvc", ".sum")


def make_detection(
    hit: Hit,
    source: Source,
    *,
    line: int,
    column: int,
    cell: int | None = None,
    output: bool = False,
) -> Detection:
    """One finding, redacted: the secret leaves this function only as hashes."""
    raw = hit.secret.encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(raw).hexdigest()
    sha1 = hashlib.sha1(raw).hexdigest()  # detect-secrets' baseline hash, for imported baselines
    # The commit is not repeated here: reports print Location.commit themselves.
    where = f" in cell {cell}{' output' if output else ''}" if cell is not None else ""
    finding = source.finding(
        _RULES_BY_ID[hit.rule_id],
        f"{LABELS[hit.rule_id]} `{redact(hit.secret)}`{where}: {advice(hit.rule_id)}",
        line=line,
        column=column,
        identity=(digest,),
        member=f"cell {cell}" if cell is not None else None,
    )
    return Detection(finding, source.path, digest, sha1)


def advice(rule_id: str) -> str:
    """What to do instead, the end of every message."""
    if rule_id in ADVICE:
        return ADVICE[rule_id]
    if rule_id in ENV_NAMES:
        return (
            f'revoke it, then load it from the environment (os.environ["{ENV_NAMES[rule_id]}"])'
            " or a secrets manager"
        )
    if rule_id == "SEC031":
        return "use ${VAR} references in the URL, or a keyring/netrc outside the repository"
    if rule_id == "SEC030":
        return "rotate the password and pass it through environment variables, not the URL"
    return (
        "move it to an environment variable or a secrets manager "
        "(or record it with `mlwarden baseline update` if it is not a secret)"
    )
