"""`mlwarden baseline create|update|import`: the secrets baseline, and its file format.

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

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlwarden.errors import UsageError

if TYPE_CHECKING:
    from mlwarden.checks.secrets import Options as SecretsOptions
    from mlwarden.config import Config

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


# --- the command -----------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlwarden baseline",
        description="Record known secrets so the secrets hook reports only new ones.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    for action, text in (
        ("create", "scan and write a new baseline"),
        ("update", "rescan: add new secrets, drop fixed ones, keep notes"),
    ):
        cmd = sub.add_parser(action, help=text)
        cmd.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="files or folders (default: all git-tracked files)",
        )
        if action == "create":
            cmd.add_argument("--force", action="store_true", help="overwrite an existing baseline")
    imp = sub.add_parser("import", help="migrate a detect-secrets .secrets.baseline")
    imp.add_argument("source", metavar="SECRETS_BASELINE")
    for cmd in sub.choices.values():
        cmd.add_argument("--config", metavar="PATH", help="config file ([tool.mlwarden])")
        cmd.add_argument(
            "--output",
            "-o",
            metavar="PATH",
            help="baseline file (default: the secrets hook's `baseline` option)",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help is 0, a usage error is 2
        return int(exc.code or 0)
    try:
        return _run(args)
    except UsageError as exc:
        print(f"mlwarden baseline: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from mlwarden.checks import secrets
    from mlwarden.config import load_config

    config = load_config(args.config)
    options = config.options(secrets.NAME, secrets.Options)
    target = Path(args.output) if args.output else config.root / options.baseline
    if args.action == "import":
        imported = import_detect_secrets(Path(args.source))
        count = write_entries(target, [*read_entries(target), *imported])
        print(f"imported {len(imported)} secrets from {args.source}; {target} has {count}")
        return 0
    if args.action == "create" and target.exists() and not args.force:
        raise UsageError(f"{target} exists; use `mlwarden baseline update` or `create --force`")
    old = read_entries(target) if args.action == "update" else []
    scanned, current = _scan(config, options, args.paths)
    by_key = {(e["path"], e["hash"]): e for e in old}
    entries: list[dict[str, Any]] = []
    for entry in current:
        sha1_key = (entry["path"], entry.pop("sha1"))
        previous = by_key.get((entry["path"], entry["hash"])) or by_key.get(sha1_key)
        entries.append({**(previous or {}), **entry})
    # An update limited to some paths keeps what it did not rescan.
    entries.extend(e for e in old if scanned is not None and e["path"] not in scanned)
    count = write_entries(target, entries)
    print(f"wrote {count} secrets to {target}")
    return 0


def _scan(
    config: Config, options: SecretsOptions, paths: Sequence[str]
) -> tuple[frozenset[str] | None, list[dict[str, Any]]]:
    """Scan the files `mlwarden scan --hook secrets` would (same exclude rules).

    Returns the root-relative paths scanned (None: every tracked file) and one entry per
    secret found, with its SHA-1 too so an imported detect-secrets entry can be matched.
    """
    from mlwarden.checks.secrets import NAME, detect
    from mlwarden.checks.secrets_report import root_relative
    from mlwarden.files import is_excluded
    from mlwarden.hooks import ScanContext
    from mlwarden.runner import collect_files

    files = collect_files(paths, config, Path.cwd())
    hook_patterns = config.hook_exclude.get(NAME, ())
    files = tuple(f for f in files if not is_excluded(f, hook_patterns))
    ctx = ScanContext(root=config.root, files=files, config=config)
    detections, errors = detect(ctx, options)
    for error in errors:
        print(f"{error.path}: {error.message}", file=sys.stderr)
    current = [
        {
            "path": d.baseline_path,
            "rule_id": d.finding.rule_id,
            "hash": f"sha256:{d.sha256}",
            "sha1": f"sha1:{d.sha1}",
        }
        for d in detections
    ]
    scanned = frozenset(root_relative(f, config.root) for f in files) if paths else None
    return scanned, current
