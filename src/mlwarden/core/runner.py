"""Runs hooks over the files of a scan and applies what every hook shares.

The one place that decides a verdict: `modes.gather` turns the way in (paths, a folder,
`--staged`, `--commits`, a push) into `Source`s; here each file is matched with the
config of the repository it lives in, excluded files are dropped, hooks judge the rest
(each group of files that shares a config in one call), and their findings are filtered
by `disable`, inline suppressions, rule ownership between hooks and, for commits, the
lines each commit added. One file's failure stays that file's error; whatever could not
be judged fails the run unless the config says `errors = "warn"`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mlwarden.core import failclosed
from mlwarden.core.config import Config, ConfigResolver, excluded_by
from mlwarden.core.errors import UsageError
from mlwarden.core.execution import Execution, default_jobs
from mlwarden.core.findings import Finding, HookResult, ScanError
from mlwarden.core.hooks import Hook, HookContext, load_hook
from mlwarden.core.modes import Blocked, Gathered, gather
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Source
from mlwarden.core.suppression import SuppressionIndex, unused_suppressions

# (event, hook, file count): events are "files" (the files are known), "start", "done".
ProgressCallback = Callable[[str, str, int], None]


@dataclass(frozen=True)
class ScanRequest:
    hooks: tuple[str, ...]
    paths: tuple[str, ...] = ()
    commits: str | None = None
    staged: bool = False
    config: str | None = None
    report_unused_ignores: bool = False
    # Every hook judging these files in this run (under pre-commit: the repo's configured
    # mlwarden hooks); None means `hooks`.
    companions: frozenset[str] | None = None
    jobs: int = field(default_factory=default_jobs)
    cache: bool = True
    # (i, n): judge only the files of shard i of n (1-based), partitioned by path hash.
    shard: tuple[int, int] | None = None


@dataclass(frozen=True)
class HookTiming:
    hook: str
    seconds: float
    findings: int


@dataclass(frozen=True)
class ScanReport:
    hooks: tuple[str, ...]
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    files_scanned: int
    seconds: float
    timings: tuple[HookTiming, ...] = ()
    failed_hooks: tuple[str, ...] = field(default=())
    # Findings at or above their config's min-severity, and errors the config does not
    # downgrade: what makes the exit code 1.
    failing_findings: int = 0
    failing_errors: int = 0
    notices: tuple[str, ...] = ()
    extra_rules: tuple[Rule, ...] = ()
    shard: tuple[int, int] | None = None
    cache_hits: int = 0

    @property
    def failing(self) -> bool:
        return bool(self.failing_findings or self.failing_errors or self.failed_hooks)


@dataclass
class _Judged:
    """A source ready for the hooks: its config and the configs whose excludes apply."""

    source: Source
    config: Config
    chain: tuple[Config, ...]


def run_scan(
    request: ScanRequest, cwd: Path | None = None, progress: ProgressCallback | None = None
) -> ScanReport:
    started = time.perf_counter()
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    hooks = {name: load_hook(name) for name in request.hooks}
    gathered = gather(
        paths=request.paths,
        cwd=cwd,
        staged=request.staged,
        commits=request.commits,
        config=request.config,
    )
    execution = Execution(request.jobs, request.cache)
    try:
        return _judge(request, hooks, gathered, execution, cwd, started, progress)
    finally:
        execution.close()
        gathered.close()


def _judge(
    request: ScanRequest,
    hooks: Mapping[str, Hook],
    gathered: Gathered,
    execution: Execution,
    cwd: Path,
    started: float,
    progress: ProgressCallback | None,
) -> ScanReport:
    judged, excluded, findings, errors = _select(gathered, cwd, request.config, request.shard)
    notices = []
    if not judged and not findings and any(h.judges_files for h in hooks.values()):
        notices.append(_nothing_judged(gathered, excluded))
    if progress:
        progress("files", "", len(judged))
    companions = request.companions if request.companions is not None else frozenset(hooks)
    owned = _owned_elsewhere(hooks, companions)

    def run_one(name: str) -> tuple[str, HookResult, float, bool]:
        hook = hooks[name]
        begun = time.perf_counter()
        if hook.judges_files:
            groups = _groups(name, judged)
        elif request.shard is None or request.shard[0] == 1:  # git state: judged once
            groups = _roots(gathered, cwd, request)
        else:
            groups = []
        if progress:
            progress("start", name, sum(len(g[2]) for g in groups))
        crashed = False
        results: list[HookResult] = []
        try:
            for config, root, sources in groups:
                if hook.judges_files and not sources:
                    continue
                ctx = HookContext(
                    options=config.options(name, hook.options),
                    config=config,
                    root=root,
                    companions=companions,
                    jobs=request.jobs,
                )
                results.append(execution.judge(hook, sources, ctx))
        except UsageError:
            raise
        except Exception as exc:  # a hook bug outside any file: fail loudly, never pass
            crashed = True
            results.append(HookResult(errors=(ScanError("", f"hook crashed: {exc!r}", name),)))
        finally:
            if progress:
                progress("done", name, len(judged))
        merged = HookResult(
            tuple(f for r in results for f in r.findings),
            tuple(e for r in results for e in r.errors),
            tuple({rule.id: rule for r in results for rule in r.rules}.values()),
        )
        return name, merged, time.perf_counter() - begun, crashed

    workers = max(1, min(len(hooks), os.cpu_count() or 1))
    if workers == 1:
        outcomes = [run_one(name) for name in hooks]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(run_one, hooks))

    timings: list[HookTiming] = []
    failed: list[str] = []
    extra_rules: dict[str, Rule] = {}
    for name, result, seconds, crashed in outcomes:
        extra_rules.update((rule.id, rule) for rule in result.rules)
        findings.extend(f for f in result.findings if f.rule_id.upper() not in owned.get(name, ()))
        errors.extend(result.errors)
        timings.append(HookTiming(name, seconds, len(result.findings)))
        if crashed:
            failed.append(name)

    by_key = {(j.source.path, j.source.commit): j for j in judged}
    findings = _filter(findings, by_key, request, hooks)
    suppressions = SuppressionIndex(s.source for s in judged)
    findings, used = suppressions.apply(findings)
    if request.report_unused_ignores:
        findings.extend(unused_suppressions(suppressions, _rules(hooks), used))
    findings = sorted(set(findings), key=Finding.sort_key)
    errors = sorted(set(errors))
    return ScanReport(
        hooks=tuple(hooks),
        findings=tuple(findings),
        errors=tuple(errors),
        files_scanned=len(judged),
        seconds=time.perf_counter() - started,
        timings=tuple(timings),
        failed_hooks=tuple(failed),
        failing_findings=sum(1 for f in findings if _fails(f, by_key, gathered)),
        failing_errors=sum(1 for e in errors if _error_policy(e, gathered) == "fail"),
        notices=tuple(notices),
        extra_rules=tuple(extra_rules.values()),
        shard=request.shard,
        cache_hits=execution.cache_hits,
    )


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
        judged = _select(gathered, cwd, request.config, request.shard)[0]
        yield [
            (HookContext(config.options(hook, spec.options), config, root), sources)
            for config, root, sources in _groups(hook, judged)
        ]
    finally:
        gathered.close()


def in_shard(path: str, shard: tuple[int, int] | None) -> bool:
    """Shard i of n holds the paths whose hash falls in it: stable as files come and go,
    and the same in every mode (the repository path, not the display path)."""
    if shard is None:
        return True
    index, count = shard
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    bucket = int.from_bytes(digest[:8], "big")
    return bucket % count == index - 1


def _select(
    gathered: Gathered, cwd: Path, explicit: str | None, shard: tuple[int, int] | None = None
) -> tuple[list[_Judged], list[str], list[Finding], list[ScanError]]:
    """Match each file with its config and drop what the config excludes; blocked files
    that are not excluded become fail-closed findings."""
    judged: list[_Judged] = []
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
        judged.append(_Judged(source, config, chain))
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


_Group = tuple[Config, Path, list[Source]]


def _groups(hook: str, judged: Sequence[_Judged]) -> list[_Group]:
    """The files a hook judges, grouped by repository and config (one call each)."""
    groups: dict[tuple[Path, int], _Group] = {}
    for item in judged:
        if excluded_by(item.chain, item.source.path, hook) is not None:
            continue
        key = (item.source.root, id(item.config))
        groups.setdefault(key, (item.config, item.source.root, []))[2].append(item.source)
    return list(groups.values())


def _roots(gathered: Gathered, cwd: Path, request: ScanRequest) -> list[_Group]:
    """For hooks that judge git state, not files: each repository and its config."""
    if not gathered.resolvers:
        from mlwarden.core.config import load_config

        return [(load_config(request.config, cwd), cwd, [])]
    return [(r.for_path("x"), root, []) for root, r in gathered.resolvers.items()]


def _owned_elsewhere(hooks: Mapping[str, Hook], companions: frozenset[str]) -> dict[str, set[str]]:
    """Rule ids a hook does not report because a companion hook's rule owns the check
    (e.g. bandit's B614 when the semgrep hook, whose SG001 declares it, also runs)."""
    owned: dict[str, set[str]] = {}
    declared: dict[str, set[str]] = {}
    for name in companions:
        try:
            rules = load_hook(name).rules()
        except ValueError:
            continue
        declared[name] = {e.upper() for r in rules for e in r.equivalents}
    for name in hooks:
        owned[name] = {i for other, ids in declared.items() if other != name for i in ids}
    return owned


def _filter(
    findings: Iterable[Finding],
    by_key: Mapping[tuple[str, str | None], _Judged],
    request: ScanRequest,
    hooks: Mapping[str, Hook],
) -> list[Finding]:
    kept: list[Finding] = []
    for finding in findings:
        loc = finding.location
        item = by_key.get((loc.identity_path, loc.commit))
        if item is not None:
            disabled = {d.upper() for d in item.config.disable}
            if finding.rule_id.upper() in disabled:
                continue
            changed = item.source.changed_lines
            if changed is not None and loc.line not in changed:
                continue  # a commit is judged on what it added
        kept.append(finding)
    return kept


def _fails(
    finding: Finding, by_key: Mapping[tuple[str, str | None], _Judged], gathered: Gathered
) -> bool:
    loc = finding.location
    item = by_key.get((loc.identity_path, loc.commit))
    threshold = (
        item.config.min_severity if item is not None else _default_config(gathered).min_severity
    )
    return finding.severity >= threshold


def _error_policy(error: ScanError, gathered: Gathered) -> str:
    return _default_config(gathered).errors


def _default_config(gathered: Gathered) -> Config:
    for resolver in gathered.resolvers.values():
        return resolver.for_path("x")
    return Config(root=Path("."))


def _rules(hooks: Mapping[str, Hook]) -> Mapping[str, Rule]:
    return {rule.id.upper(): rule for hook in hooks.values() for rule in hook.rules()}


def _nothing_judged(gathered: Gathered, excluded: Sequence[str]) -> str:
    if excluded:
        reasons = sorted(set(excluded))
        shown = "; ".join(reasons[:3]) + (" …" if len(reasons) > 3 else "")
        return f"no file was judged: all {len(excluded)} were excluded ({shown})"
    return "no file was judged: nothing to scan here"
