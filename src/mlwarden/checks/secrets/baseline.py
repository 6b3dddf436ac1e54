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


def import_detect_secrets(source: Path) -> list[dict[str, Any]]:
    """Entries from a detect-secrets `.secrets.baseline` (its `results` mapping)."""
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{source}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{source}: cannot read detect-secrets baseline: {exc}") from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise UsageError(f"{source}: not a detect-secrets baseline (no 'results' mapping)")
    entries: list[dict[str, Any]] = []
    for filename, secrets in results.items():
        for secret in secrets if isinstance(secrets, list) else []:
            hashed = secret.get("hashed_secret") if isinstance(secret, dict) else None
            if isinstance(hashed, str) and hashed:
                kind = str(secret.get("type", "unknown"))
                entries.append(
                    {
                        "path": Path(filename).as_posix(),
                        "rule_id": f"detect-secrets:{kind}",
                        "hash": f"sha1:{hashed}",
                    }
                )
    return entries
