"""Which files each hook judges: every file matched with the config of the repository
it lives in, excluded ones dropped, unreadable ones failing closed, and the rest grouped
by config (one hook call per group). Also `--shard`: a stable partition by path hash."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlwarden.core import failclosed
from mlwarden.core.config import Config
from mlwarden.core.discovery import ConfigResolver, excluded_by
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Finding, ScanError
from mlwarden.core.hooks import HookContext, load_hook
from mlwarden.core.modes import Blocked, Gathered, gather
from mlwarden.core.sources import Source

if TYPE_CHECKING:
    from mlwarden.core.runner import ScanRequest


@dataclass
class Judged:
    """A source ready for the hooks: its config and the configs whose excludes apply."""

    source: Source
    config: Config
    chain: tuple[Config, ...]


def in_shard(path: str, shard: tuple[int, int] | None) -> bool:
    """Shard i of n holds the paths whose hash falls in it: stable as files come and go,
    and the same in every mode (the repository path, not the display path)."""
    if shard is None:
        return True
    index, count = shard
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    bucket = int.from_bytes(digest[:8], "big")
    return bucket % count == index - 1


def select(
    gathered: Gathered, cwd: Path, explicit: str | None, shard: tuple[int, int] | None = None
) -> tuple[list[Judged], list[str], list[Finding], list[ScanError]]:
    """Match each file with its config and drop what the config excludes; blocked files
    that are not excluded become fail-closed findings."""
    judged: list[Judged] = []
    excluded: list[str] = []
    findings: list[Finding] = []
    errors: list[ScanError] = []
    gathered.sources = [s for s in gathered.sources if in_shard(s.path, shard)]
    gathered.blocked = [b for b in gathered.blocked if in_shard(b.source.path, shard)]
    for source in gathered.sources:
        config, chain = _resolver(gathered, source).judging(source.path)
        reason = excluded_by(chain, source.path)
        if reason is not None:
            excluded.append(reason)
            continue
        if source.local_path is not None and not _readable(source.local_path):
            findings.append(failclosed.unreadable(source, "permission denied"))
            continue
        judged.append(Judged(source, config, chain))
    for blocked in gathered.blocked:
        config, chain = _resolver(gathered, blocked.source).judging(blocked.source.path)
        if excluded_by(chain, blocked.source.path) is not None:
            continue
        finding = _blocked_finding(blocked, config)
        if finding is not None:
            findings.append(finding)
    return judged, excluded, findings, errors


def _blocked_finding(blocked: Blocked, config: Config) -> Finding | None:
    if blocked.kind == "lfs":
        if config.lfs == "skip-missing":
            return None
        return failclosed.lfs_missing(blocked.source, blocked.detail)
    return failclosed.unreadable(blocked.source, blocked.detail)


def _readable(path: Path) -> bool:
    return os.access(path, os.R_OK)


def _resolver(gathered: Gathered, source: Source) -> ConfigResolver:
    resolver = gathered.resolvers.get(source.root)
    if resolver is None:
        raise UsageError(f"{source.display}: no configuration context")  # pragma: no cover
    return resolver


Group = tuple[Config, Path, list[Source]]


def groups(hook: str, judged: Sequence[Judged]) -> list[Group]:
    """The files a hook judges, grouped by repository and config (one call each)."""
    groups: dict[tuple[Path, int], Group] = {}
    for item in judged:
        if excluded_by(item.chain, item.source.path, hook) is not None:
            continue
        key = (item.source.root, id(item.config))
        groups.setdefault(key, (item.config, item.source.root, []))[2].append(item.source)
    return list(groups.values())


def roots(gathered: Gathered, cwd: Path, request: ScanRequest) -> list[Group]:
    """For hooks that judge git state, not files: each repository and its config."""
    if not gathered.resolvers:
        from mlwarden.core.discovery import load_config

        return [(load_config(request.config, cwd), cwd, [])]
    return [(r.for_path("x"), root, []) for root, r in gathered.resolvers.items()]


def nothing_judged(gathered: Gathered, excluded: Sequence[str]) -> str:
    if excluded:
        reasons = sorted(set(excluded))
        shown = "; ".join(reasons[:3]) + (" …" if len(reasons) > 3 else "")
        return f"no file was judged: all {len(excluded)} were excluded ({shown})"
    return "no file was judged: nothing to scan here"


@contextlib.contextmanager
def hook_inputs(
    hook: str, request: ScanRequest, cwd: Path | None = None
) -> Iterator[list[tuple[HookContext, list[Source]]]]:
    """What the runner would hand `hook` for `request`: each group of files with its
    context. For commands that drive one hook themselves (`mlwarden baseline`)."""
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    spec = load_hook(hook)
    gathered = gather(
        paths=request.paths,
        cwd=cwd,
        staged=request.staged,
        commits=request.commits,
        config=request.config,
    )
    try:
        judged = select(gathered, cwd, request.config, request.shard)[0]
        yield [
            (HookContext(config.options(hook, spec.options), config, root), sources)
            for config, root, sources in groups(hook, judged)
        ]
    finally:
        gathered.close()
