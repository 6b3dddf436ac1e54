"""`mlwarden baseline create|update|import`: write the secrets baseline.

Only this command writes it; hook runs only read it (pre-commit runs hooks in parallel
batches, a hook that wrote it would race itself).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlwarden.checks.secrets.baseline import read_detect_secrets, read_entries, write_entries
from mlwarden.core.errors import UsageError


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
    imp = sub.add_parser(
        "import", help="copy the false positives audited in a detect-secrets .secrets.baseline"
    )
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
    from mlwarden.core.discovery import load_config

    config = load_config(args.config)
    options = config.options(secrets.NAME, secrets.Options)
    target = Path(args.output) if args.output else config.root / options.baseline
    if args.action == "import":
        audit = read_detect_secrets(Path(args.source))
        count = write_entries(target, [*read_entries(target), *audit.accepted])
        print(
            f"imported {len(audit.accepted)} entries audited as false positives from "
            f"{args.source}; {target} has {count}"
        )
        if audit.unaudited or audit.confirmed:
            print(
                f"not imported: {audit.unaudited} never audited (run `detect-secrets audit "
                f"{args.source}` first) and {audit.confirmed} audited as real secrets (revoke "
                "them); the secrets hook reports them",
                file=sys.stderr,
            )
        return 0
    if args.action == "create" and target.exists() and not args.force:
        raise UsageError(f"{target} exists; use `mlwarden baseline update` or `create --force`")
    old = read_entries(target) if args.action == "update" else []
    scanned, current = _scan(args.paths, args.config)
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
    paths: Sequence[str], config: str | None
) -> tuple[frozenset[str] | None, list[dict[str, Any]]]:
    """Scan the files `mlwarden scan --hook secrets` would (same config, same excludes).

    Returns the root-relative paths scanned (None: the whole repository) and one entry
    per secret found, with its SHA-1 too so an imported detect-secrets entry can match.
    """
    from mlwarden.checks.secrets import NAME, detect
    from mlwarden.core.runner import ScanRequest
    from mlwarden.core.selection import hook_inputs

    request = ScanRequest(hooks=(NAME,), paths=tuple(paths), config=config)
    current: list[dict[str, Any]] = []
    scanned: set[str] = set()
    with hook_inputs(NAME, request) as groups:
        for ctx, sources in groups:
            detections, _ = detect(sources, ctx)
            scanned.update(s.path for s in sources)
            current.extend(
                {
                    "path": d.baseline_path,
                    "rule_id": d.finding.rule_id,
                    "hash": f"sha256:{d.sha256}",
                    "sha1": f"sha1:{d.sha1}",
                }
                for d in detections
            )
    return (frozenset(scanned) if paths else None), current
