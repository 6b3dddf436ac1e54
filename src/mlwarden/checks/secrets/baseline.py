"""The secrets baseline file: known, accepted secrets by path and hash.

The baseline lists secrets that are known and accepted (test fixtures, revoked keys kept
in history) by path and hash, never in clear and never with a line number, so moving
code does not churn it. Only this command writes it; hook runs only read it (pre-commit
runs hooks in parallel batches, a hook that wrote it would race itself).

Format (version 1)::

    {"version": 1, "generated_by": "mlwarden baseline",
     "secrets": [{"path": "conf/dev.env", "rule_id": "SEC032", "hash": "sha256:…"}]}

`hash` is `sha256:` for secrets we found, `sha1:` for entries imported from a
detect-secrets `.secrets.baseline` (whose `hashed_secret` is a SHA-1 of the secret).
Entries may carry extra keys (e.g. a `"note"`); `update` keeps them.

A detect-secrets `.secrets.baseline` is also honoured as it is (the hook's
`detect-secrets-baseline` option): the entries someone audited as false positives are not
reported, so a team can switch without re-auditing; unaudited entries are reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlwarden.core.errors import UsageError

FORMAT_VERSION = 1
_KEYS = ("path", "rule_id", "hash")


@dataclass(frozen=True)
class Baseline:
    keys: frozenset[tuple[str, str]] = frozenset()  # (root-relative path, "algo:hex")

    def merged(self, keys: frozenset[tuple[str, str]]) -> Baseline:
        return Baseline(self.keys | keys)

    def contains(self, path: str, sha256: str, sha1: str) -> bool:
        return (path, f"sha256:{sha256}") in self.keys or (path, f"sha1:{sha1}") in self.keys


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a baseline file; [] if it does not exist."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: cannot read secrets baseline: {exc}") from None
    secrets = data.get("secrets") if isinstance(data, dict) else None
    if not isinstance(secrets, list) or not all(
        isinstance(e, dict) and all(isinstance(e.get(k), str) for k in _KEYS) for e in secrets
    ):
        raise UsageError(
            f"{path}: not an mlwarden secrets baseline (expected a 'secrets' list of "
            "{path, rule_id, hash}); recreate it with `mlwarden baseline create --force`"
        )
    return secrets


def load_baseline(path: Path) -> Baseline:
    return Baseline(frozenset((e["path"], e["hash"]) for e in read_entries(path)))


def write_entries(path: Path, entries: Iterable[Mapping[str, Any]]) -> int:
    unique = {(e["path"], e["hash"], e["rule_id"]): dict(e) for e in entries}
    ordered = [unique[key] for key in sorted(unique)]
    document = {"version": FORMAT_VERSION, "generated_by": "mlwarden baseline", "secrets": ordered}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(ordered)


@dataclass(frozen=True)
class DetectSecretsAudit:
    """A detect-secrets `.secrets.baseline`, read through detect-secrets' own library (so
    every baseline version it can upgrade is understood), sorted by its audit verdicts."""

    accepted: tuple[dict[str, str], ...]  # audited `is_secret: false`: honoured
    unaudited: int  # never audited: not accepted, reported like any secret
    confirmed: int  # audited `is_secret: true`: real secrets, reported

    def keys(self) -> frozenset[tuple[str, str]]:
        return frozenset((e["path"], e["hash"]) for e in self.accepted)


def read_detect_secrets(source: Path) -> DetectSecretsAudit:
    """The audit verdicts of a detect-secrets baseline. Only entries a person audited as
    not secret (`is_secret: false`) are accepted; unaudited ones are not silently taken."""
    # Imported here: detect-secrets takes ~0.2 s to import and most runs never need it.
    from detect_secrets.core import baseline as ds_baseline
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.exceptions import UnableToReadBaselineError

    try:
        document = ds_baseline.load_from_file(str(source))
    except UnableToReadBaselineError as exc:
        cause = exc.__cause__
        detail = "file not found" if isinstance(cause, FileNotFoundError) else str(cause)
        raise UsageError(f"{source}: cannot read detect-secrets baseline: {detail}") from None
    try:
        # `upgrade` reads older baseline versions; `load_from_baseline` builds the collection
        # without touching detect-secrets' global plugin settings (`baseline.load` would).
        collection = SecretsCollection.load_from_baseline(ds_baseline.upgrade(document))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UsageError(f"{source}: not a detect-secrets baseline ({exc!r})") from None
    accepted: list[dict[str, str]] = []
    unaudited = confirmed = 0
    for filename, secret in collection:
        if secret.is_secret is None:
            unaudited += 1
        elif secret.is_secret:
            confirmed += 1
        else:
            accepted.append(
                {
                    "path": Path(filename).as_posix(),
                    "rule_id": f"detect-secrets:{secret.type}",
                    "hash": f"sha1:{secret.secret_hash}",
                }
            )
    accepted.sort(key=lambda e: (e["path"], e["hash"]))
    return DetectSecretsAudit(tuple(accepted), unaudited, confirmed)
