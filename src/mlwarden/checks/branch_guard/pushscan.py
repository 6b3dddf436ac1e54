"""The pushed ranges of a push: which commits leave with it, per pushed ref.

A push is judged by its commits alone: the runner's `--commits` mode scans each range
with the hooks of `scan-hooks` (secrets and models by default), catching work that was
committed with `git commit --no-verify`. `mlwarden scan --commits` is the same code.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlwarden.checks.branch_guard.policy import RefUpdate
from mlwarden.core.git import Repository


def push_ranges(
    repo: Repository, updates: Iterable[RefUpdate], remote: str | None
) -> tuple[str, ...]:
    """`FROM..TO` for each pushed ref with new commits; FROM is all zeros when the whole
    history up to TO is new (the range then reaches the root commit)."""
    ranges: list[str] = []
    for u in updates:
        if u.is_delete:
            continue
        if not u.is_create and repo.resolve(u.remote_sha) is not None:
            if u.remote_sha == u.local_sha:
                continue
            start = u.remote_sha
        else:
            # A new branch, or a remote commit we never fetched: scan what no
            # remote-tracking ref of this remote already reaches.
            base = repo.new_commits_base(u.local_sha, remote)
            if base is None:
                continue
            start = base[0] if base else "0" * len(u.local_sha)
        rng = f"{start}..{u.local_sha}"
        if rng not in ranges:
            ranges.append(rng)
    return tuple(ranges)
