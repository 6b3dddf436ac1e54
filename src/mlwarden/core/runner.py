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

import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mlwarden.core.config import Config
from mlwarden.core.errors import UsageError
from mlwarden.core.execution import Execution, default_jobs
from mlwarden.core.findings import Finding, HookResult, ScanError
from mlwarden.core.hooks import Hook, HookContext, load_hook
from mlwarden.core.modes import Gathered, gather
from mlwarden.core.precommit import problems as precommit_problems
from mlwarden.core.rules import Rule
from mlwarden.core.selection import Judged, nothing_judged, roots, select
from mlwarden.core.selection import groups as select_groups
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


def _engine_jobs(jobs: int, hooks: Mapping[str, Hook]) -> int:
    """The workers a hook's own engine (semgrep's `--jobs`) may start.

    The hooks of one scan run side by side, and the parallel ones share the process pool.
    An engine given every core on top of that oversubscribes the machine: on a 362k-line
    tree with 2 cores, semgrep with `--jobs 2` next to bandit's workers took 36.5 s
    instead of 22.8 s with one job (`bench/scale/`). With pool hooks alongside, an engine
    gets half the cores; alone (`--hook semgrep`, pre-commit's semgrep entry), all of them.
    """
    return max(1, jobs // 2) if any(hook.parallel for hook in hooks.values()) else jobs


def _judge(
    request: ScanRequest,
    hooks: Mapping[str, Hook],
    gathered: Gathered,
    execution: Execution,
    cwd: Path,
    started: float,
    progress: ProgressCallback | None,
) -> ScanReport:
    judged, excluded, findings, errors = select(gathered, cwd, request.config, request.shard)
    notices = [n for root in gathered.resolvers for n in precommit_problems(root)]
    if not judged and not findings and any(h.judges_files for h in hooks.values()):
        notices.append(nothing_judged(gathered, excluded))
    if progress:
        progress("files", "", len(judged))
    companions = request.companions if request.companions is not None else frozenset(hooks)
    owned = _owned_elsewhere(hooks, companions)
    engine_jobs = _engine_jobs(request.jobs, hooks)

    def run_one(name: str) -> tuple[str, HookResult, float, bool]:
        hook = hooks[name]
        begun = time.perf_counter()
        if hook.judges_files:
            groups = select_groups(name, judged)
        elif request.shard is None or request.shard[0] == 1:  # git state: judged once
            groups = roots(gathered, cwd, request)
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
                    jobs=engine_jobs,
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
    by_key: Mapping[tuple[str, str | None], Judged],
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
    finding: Finding, by_key: Mapping[tuple[str, str | None], Judged], gathered: Gathered
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
