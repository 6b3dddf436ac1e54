"""A content-addressed cache of hook results: never judge the same bytes twice.

Like ruff's and mypy's, it is keyed by everything that decides a result, so a stale entry
is impossible by construction: the file's content hash (a git blob id or LFS oid when we
have one) and repository path, the hook, the hash of what the hook declares it depends on
(options, rule packs, a baseline file), and the hash of mlwarden's own code and version.
Only hooks whose findings for a file depend on that file alone (plus what they declare)
are cached: `Hook.cache_key` says so, and returns None for the others (pins reads lock
files beside a manifest, config-guard compares against the version before the change).

Entries are small JSON files under `<repository>/.mlwarden_cache/` (which ignores itself
with its own `.gitignore`). Writes go to a temporary name and are renamed into place, so
hook processes running at once under pre-commit never see half an entry and never wait
for a lock. The cache is bounded: past `MAX_ENTRIES` the least recently used are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

from mlwarden import __version__
from mlwarden.core.findings import Confidence, Finding, ScanError, Severity
from mlwarden.core.sources import Source

FOLDER = ".mlwarden_cache"
FORMAT = "v1"
MAX_ENTRIES = 200_000
_CHUNK = 1024 * 1024


@cache
def code_fingerprint() -> str:
    """mlwarden's version and the hash of its own code and rule packs: a cache written
    by another build of mlwarden is never read, even at the same version number."""
    import mlwarden

    digest = hashlib.sha256(__version__.encode())
    package = Path(mlwarden.__file__).resolve().parent
    roots = [package]
    rules = package.parent.parent / "semgrep-rules"  # a source checkout's pack
    if rules.is_dir():
        roots.append(rules)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yaml", ".yml", ".toml", ".txt", ".json") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def content_key(source: Source) -> str:
    """A hash of the bytes the hooks judge: free for git blobs and LFS objects."""
    if source.lfs is not None:
        return f"lfs:{source.lfs.oid}"
    if source.blob is not None:
        return f"git:{source.blob}"
    digest = hashlib.blake2b(digest_size=20)
    with source.open() as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return f"b2:{digest.hexdigest()}"


class ResultCache:
    """One run's view of the cache of one repository."""

    def __init__(self, root: Path) -> None:
        self.folder = root / FOLDER / FORMAT
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    @staticmethod
    def key(hook: str, depends: str, source: Source) -> str:
        parts = (code_fingerprint(), hook, depends, source.path, content_key(source))
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get(self, key: str, source: Source) -> tuple[list[Finding], list[ScanError]] | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            os.utime(path)  # recently used: kept when the cache is pruned
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return [_finding(item, source) for item in data["findings"]], [
            source.error(item["hook"], item["message"]) for item in data["errors"]
        ]

    def put(self, key: str, findings: Iterable[Finding], errors: Iterable[ScanError]) -> None:
        entry = {
            "findings": [_record(f) for f in findings],
            "errors": [{"hook": e.hook, "message": e.message} for e in errors],
        }
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_itself(self.folder.parent)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entry, out, separators=(",", ":"))
            os.replace(temp, path)
        except OSError:
            return  # a cache that cannot be written only costs time, never a verdict

    def prune(self, limit: int = MAX_ENTRIES) -> int:
        """Remove the least recently used entries beyond `limit`; returns how many."""
        entries = []
        with contextlib.suppress(OSError):
            for shard in self.folder.iterdir():
                for path in shard.glob("*.json"):
                    with contextlib.suppress(OSError):
                        entries.append((path.stat().st_mtime, path))
        if len(entries) <= limit:
            return 0
        entries.sort()
        for _, path in entries[: len(entries) - limit]:
            with contextlib.suppress(OSError):
                path.unlink()
        return len(entries) - limit


def clear(root: Path) -> bool:
    """`mlwarden cache clear`: remove the repository's cache folder."""
    import shutil

    folder = root / FOLDER
    if not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def _ignore_itself(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            ignore.write_text("# written by mlwarden: the cache is never committed\n*\n")


def _record(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule_id": finding.rule_id,
        "message": finding.message,
        "severity": int(finding.severity),
        "confidence": int(finding.confidence),
        "fingerprint": finding.fingerprint,
        "hook": finding.hook,
        "related": list(finding.related_rule_ids),
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "member": loc.member,
    }


def _finding(item: dict[str, Any], source: Source) -> Finding:
    location = source.location(
        item["line"],
        item["column"],
        member=item["member"],
        end_line=item["end_line"],
        end_column=item["end_column"],
    )
    return Finding(
        rule_id=item["rule_id"],
        message=item["message"],
        location=location,
        severity=Severity(item["severity"]),
        confidence=Confidence(item["confidence"]),
        fingerprint=item["fingerprint"],
        hook=item["hook"],
        related_rule_ids=tuple(item["related"]),
    )


def depends_on(*parts: object) -> str:
    """A stable hash of what a hook's results depend on besides the file itself."""
    digest = hashlib.sha256()
    for part in parts:
        value = asdict(part) if is_dataclass(part) and not isinstance(part, type) else part
        digest.update(json.dumps(value, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]
