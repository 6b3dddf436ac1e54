"""How one hook judges one group of files: from the cache, across processes, isolated.

- Cache: a hook that declares what its results depend on (`Hook.cache_key`) is asked
  only about files whose (content, path, dependencies, mlwarden code) it has not judged.
- Processes: a hook marked `parallel` (its findings for a file depend on that file alone)
  judges large groups in a pool of `jobs` worker processes. Processes, not threads: the
  Python hooks are CPU-bound regexes and opcode walks, which threads would serialise.
- Isolation: when a hook fails, the files are split in halves until the failing ones
  stand alone; each becomes that file's error (or fail-closed finding) and the rest are
  still judged.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor as PoolExecutor
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mlwarden.core import failclosed
from mlwarden.core.cache import ResultCache
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Finding, HookResult, ScanError
from mlwarden.core.hooks import Hook, HookContext, load_hook
from mlwarden.core.sources import Skipped, Source, Unreadable

# Below this many files a worker's start-up (an interpreter importing mlwarden) costs
# more than it saves.
MIN_FILES_PER_WORKER = 64


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


class Execution:
    """Shared by every hook of one run: the worker pool and the caches."""

    def __init__(self, jobs: int, use_cache: bool) -> None:
        self.jobs = max(1, jobs)
        self.use_cache = use_cache
        self._pool: PoolExecutor | None = None
        self._caches: dict[Path, ResultCache] = {}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        for cache in self._caches.values():
            cache.prune()

    @property
    def cache_hits(self) -> int:
        return sum(c.hits for c in self._caches.values())

    def _cache(self, root: Path) -> ResultCache:
        if root not in self._caches:
            self._caches[root] = ResultCache(root)
        return self._caches[root]

    def _pool_for(self) -> PoolExecutor:
        if self._pool is None:
            # forkserver: hooks run in threads, and forking a threaded process can copy
            # a lock in its held state; a fresh server process holds none.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        return self._pool

    def judge(self, hook: Hook, sources: Sequence[Source], ctx: HookContext) -> HookResult:
        depends = hook.cache_key(ctx) if self.use_cache and hook.cache_key else None
        if depends is None or not sources:
            return self._run(hook, sources, ctx)
        cache = self._cache(ctx.root)
        keys: dict[int, str] = {}
        findings: list[Finding] = []
        errors: list[ScanError] = []
        misses: list[Source] = []
        for index, source in enumerate(sources):
            try:
                keys[index] = cache.key(hook.name, depends, source)
            except Unreadable:
                misses.append(source)  # the hook reports it
                continue
            hit = cache.get(keys[index], source)
            if hit is None:
                misses.append(source)
            else:
                findings.extend(hit[0])
                errors.extend(hit[1])
        fresh = self._run(hook, misses, ctx) if misses else HookResult()
        self._store(cache, hook, sources, keys, misses, fresh)
        return HookResult((*findings, *fresh.findings), (*errors, *fresh.errors), fresh.rules)

    @staticmethod
    def _store(
        cache: ResultCache,
        hook: Hook,
        sources: Sequence[Source],
        keys: dict[int, str],
        misses: Sequence[Source],
        result: HookResult,
    ) -> None:
        """Each judged file's own findings and errors, under its key. Nothing is stored
        when the hook reported an error that names no file of the group (an engine that
        failed as a whole): those results are incomplete."""
        by_file: dict[tuple[str, str | None], tuple[list[Finding], list[ScanError]]] = {
            (s.path, s.commit): ([], []) for s in misses
        }
        displays = {s.display: (s.path, s.commit) for s in misses}
        for error in result.errors:
            owner = displays.get(error.path)
            if owner is None:
                return
            by_file[owner][1].append(error)
        for finding in result.findings:
            loc = finding.location
            owner_key = (loc.identity_path, loc.commit)
            if owner_key not in by_file:
                return
            by_file[owner_key][0].append(finding)
        index_of = {id(s): i for i, s in enumerate(sources)}
        for source in misses:
            key = keys.get(index_of[id(source)])
            if key is not None:
                found, failed = by_file[(source.path, source.commit)]
                cache.put(key, found, failed)

    def _run(self, hook: Hook, sources: Sequence[Source], ctx: HookContext) -> HookResult:
        workers = min(self.jobs, len(sources) // MIN_FILES_PER_WORKER)
        if not hook.parallel or workers < 2:
            return isolated(hook, sources, ctx)
        size = -(-len(sources) // workers)
        chunks = [list(sources[i : i + size]) for i in range(0, len(sources), size)]
        pool = self._pool_for()
        futures = [pool.submit(_judge_in_worker, hook.name, chunk, ctx) for chunk in chunks]
        results = [future.result() for future in futures]
        return HookResult(
            tuple(f for r in results for f in r.findings),
            tuple(e for r in results for e in r.errors),
            tuple(rule for r in results for rule in r.rules),
        )


def _judge_in_worker(name: str, sources: list[Source], ctx: HookContext) -> HookResult:
    """A worker process judges one chunk (the hook is looked up by name: functions of a
    frozen spec travel between processes by reference, not by value)."""
    try:
        return isolated(load_hook(name), sources, ctx)
    finally:
        repos = {id(s.snapshot.repo): s.snapshot.repo for s in sources if s.snapshot.repo}
        for repo in repos.values():
            repo.close()


def isolated(hook: Hook, sources: Sequence[Source], ctx: HookContext) -> HookResult:
    """Run a hook; when it fails, split the files in halves until the failing ones stand
    alone: each becomes that file's error (or fail-closed finding), the rest are judged."""
    try:
        return hook.run(sources, ctx)
    except UsageError:
        raise
    except Unreadable as exc:
        if len(sources) == 1:
            return HookResult(findings=(failclosed.unreadable(sources[0], str(exc), hook.name),))
    except Skipped as exc:
        if len(sources) == 1:
            quiet = exc.quiet
            return HookResult(errors=() if quiet else (sources[0].error(hook.name, exc.reason),))
    except Exception as exc:
        if len(sources) == 1:
            message = f"{hook.name} failed on this file ({type(exc).__name__}: {exc}); not judged"
            return HookResult(errors=(sources[0].error(hook.name, message),))
    if len(sources) <= 1:
        return HookResult()
    middle = len(sources) // 2
    first = isolated(hook, sources[:middle], ctx)
    second = isolated(hook, sources[middle:], ctx)
    return HookResult(
        first.findings + second.findings, first.errors + second.errors, first.rules + second.rules
    )
