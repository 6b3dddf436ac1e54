"""Runs hooks over one shared file list and applies what every hook shares.

Hooks return raw findings; here they are filtered by `disable`, per-hook `exclude` and
inline suppressions, de-duplicated across semgrep and bandit, and sorted. Hooks that do
not depend on each other run concurrently: semgrep is a subprocess, so the Python hooks
overlap with it.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mlwarden.core.config import Config
from mlwarden.core.errors import UsageError
from mlwarden.core.files import Skipped, git_tracked_files, is_excluded, read_text, to_posix, walk
from mlwarden.core.findings import Finding, Location, ScanError, Severity, make_fingerprint
from mlwarden.core.hooks import ScanContext, load_hook
from mlwarden.core.rules import Rule
from mlwarden.core.suppression import (
    UNUSED_SUPPRESSION,
    Suppression,
    parse_suppressions,
    suppression_for,
)

# (event, hook, file count): events are "files" (the shared walk is done), "start", "done".
ProgressCallback = Callable[[str, str, int], None]


@dataclass(frozen=True)
class ScanRequest:
    hooks: tuple[str, ...]
    paths: tuple[str, ...]
    config: Config
    commits: str | None = None
    report_unused_ignores: bool = False


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

    def failing(self, min_severity: Severity) -> bool:
        return bool(self.failed_hooks) or any(f.severity >= min_severity for f in self.findings)


def collect_files(
    paths: Sequence[str], config: Config, cwd: Path, commits: str | None = None
) -> tuple[str, ...]:
    """The files to scan: the given paths (directories walked), or every tracked file."""
    if paths:
        candidates = list(walk(paths))
    elif commits:
        # a pushed range is judged by its commits alone, not by the work tree
        return ()
    elif (config.root / ".git").exists():
        # a tracked file deleted in the work tree is not there to scan
        candidates = [p for p in git_tracked_files(cwd) if os.path.lexists(cwd / p)]
    else:
        candidates = list(walk(["."]))
    root_prefix = _prefix_from_root(config.root, cwd)
    kept = [
        path
        for path in dict.fromkeys(to_posix(p) for p in candidates)
        if not is_excluded(root_prefix + path, config.exclude)
        and not is_excluded(path, config.exclude)
    ]
    return tuple(kept)


def _prefix_from_root(root: Path, cwd: Path) -> str:
    try:
        relative = cwd.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"


def run_scan(
    request: ScanRequest, cwd: Path | None = None, progress: ProgressCallback | None = None
) -> ScanReport:
    started = time.perf_counter()
    cwd = cwd or Path.cwd()
    modules = {name: load_hook(name) for name in request.hooks}
    files = collect_files(request.paths, request.config, cwd, request.commits)
    if progress:
        progress("files", "", len(files))

    def run_one(name: str) -> tuple[str, list[Finding], list[ScanError], float, bool]:
        module = modules[name]
        hook_files = tuple(
            f for f in files if not is_excluded(f, request.config.hook_exclude.get(name, ()))
        )
        context = ScanContext(
            root=request.config.root,
            files=hook_files,
            config=request.config,
            commits=request.commits,
        )
        options = request.config.options(name, module.options)
        if progress:
            progress("start", name, len(hook_files))
        hook_started = time.perf_counter()
        try:
            result = module.run(context, options)
        except UsageError:
            raise
        except Exception as exc:  # a hook bug must fail the run loudly, not pass silently
            message = f"hook crashed: {type(exc).__name__}: {exc}"
            return (
                name,
                [],
                [ScanError("", message, name)],
                time.perf_counter() - hook_started,
                True,
            )
        finally:
            if progress:
                progress("done", name, len(hook_files))
        return (
            name,
            list(result.findings),
            list(result.errors),
            time.perf_counter() - hook_started,
            False,
        )

    workers = max(1, min(len(request.hooks), os.cpu_count() or 1))
    if workers == 1:
        outcomes = [run_one(name) for name in request.hooks]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(run_one, request.hooks))

    findings: list[Finding] = []
    errors: list[ScanError] = []
    timings: list[HookTiming] = []
    failed: list[str] = []
    for name, hook_findings, hook_errors, seconds, crashed in outcomes:
        findings.extend(hook_findings)
        errors.extend(hook_errors)
        timings.append(HookTiming(name, seconds, len(hook_findings)))
        if crashed:
            failed.append(name)

    rules = _rules_by_id(request.hooks)
    findings = [f for f in findings if f.rule_id.upper() not in _upper(request.config.disable)]
    # one read of each file's comments serves both the filtering and the unused report
    suppressions = _SuppressionCache(request.config)
    findings, used = _apply_suppressions(findings, suppressions)
    findings = deduplicate(findings, rules)
    if request.report_unused_ignores:
        findings.extend(_unused_suppressions(files, suppressions, rules, used))
    return ScanReport(
        hooks=request.hooks,
        findings=tuple(sorted(set(findings), key=Finding.sort_key)),
        errors=tuple(sorted(set(errors))),
        files_scanned=len(files),
        seconds=time.perf_counter() - started,
        timings=tuple(timings),
        failed_hooks=tuple(failed),
    )


def _upper(ids: Iterable[str]) -> frozenset[str]:
    return frozenset(i.upper() for i in ids)


def _rules_by_id(hooks: Sequence[str]) -> Mapping[str, Rule]:
    by_id: dict[str, Rule] = {}
    for name in hooks:
        for rule in load_hook(name).rules():
            by_id[rule.id.upper()] = rule
    return by_id


class _SuppressionCache:
    def __init__(self, config: Config) -> None:
        self._config = config
        self._by_path: dict[str, tuple[Suppression, ...]] = {}

    def get(self, path: str) -> tuple[Suppression, ...]:
        if path not in self._by_path:
            try:
                text = read_text(path, max_bytes=self._config.max_file_size, root=self._config.root)
                found = parse_suppressions(text.lines) if "mlwarden" in text.text else ()
            except Skipped:
                found = ()
            self._by_path[path] = found
        return self._by_path[path]


def _apply_suppressions(
    findings: list[Finding], cache: _SuppressionCache
) -> tuple[list[Finding], set[tuple[str, int, str]]]:
    """Drop findings silenced inline; return what each used suppression was used for."""
    kept: list[Finding] = []
    used: set[tuple[str, int, str]] = set()
    for finding in findings:
        loc = finding.location
        if loc.commit is None and loc.path:
            hit = suppression_for(cache.get(loc.path), loc.line, finding.rule_id)
            if hit is not None:
                used.add((loc.path, hit.line, finding.rule_id.upper()))
                continue
        kept.append(finding)
    return kept, used


def deduplicate(findings: list[Finding], rules: Mapping[str, Rule]) -> list[Finding]:
    """Show a risk reported by two hooks on the same line once.

    The finding whose rule declares the other as an equivalent is the more specific one
    (semgrep's ML rules name bandit's generic test ids), so it is kept, naming the other.
    """
    by_line: dict[tuple[str, int, str | None], list[Finding]] = {}
    for finding in findings:
        key = (finding.location.path, finding.location.line, finding.location.commit)
        by_line.setdefault(key, []).append(finding)
    result: list[Finding] = []
    for group in by_line.values():
        if len(group) == 1:
            result.extend(group)
            continue
        dropped: dict[int, str] = {}
        related: dict[int, list[str]] = {}
        for i, keeper in enumerate(group):
            rule = rules.get(keeper.rule_id.upper())
            if rule is None or not rule.equivalents:
                continue
            equivalents = _upper(rule.equivalents)
            for j, other in enumerate(group):
                if (
                    j != i
                    and j not in dropped
                    and i not in dropped
                    and other.rule_id.upper() in equivalents
                ):
                    dropped[j] = keeper.rule_id
                    related.setdefault(i, []).append(other.rule_id)
        for i, finding in enumerate(group):
            if i in dropped:
                continue
            if i in related:
                finding = dataclasses.replace(
                    finding,
                    related_rule_ids=tuple(sorted({*finding.related_rule_ids, *related[i]})),
                    message=f"{finding.message} (also {', '.join(sorted(related[i]))})",
                )
            result.append(finding)
    return result


def _unused_suppressions(
    files: Sequence[str],
    cache: _SuppressionCache,
    rules: Mapping[str, Rule],
    used: set[tuple[str, int, str]],
) -> list[Finding]:
    from mlwarden.core.catalog import all_rules

    known = {rule_id.upper() for rule_id in all_rules()}
    found: list[Finding] = []
    for path in files:
        for suppression in cache.get(path):
            for rule_id in sorted(suppression.rule_ids):
                if rule_id not in known:
                    message = f"suppression names unknown rule {rule_id}; fix the id or remove it"
                elif rule_id not in rules:
                    continue  # its hook did not run, so we cannot tell whether it is used
                elif (path, suppression.line, rule_id) in used:
                    continue
                else:
                    message = f"unused suppression for {rule_id}; remove the comment"
                found.append(
                    Finding(
                        rule_id=UNUSED_SUPPRESSION.id,
                        message=message,
                        location=Location(path, suppression.line, 1),
                        severity=UNUSED_SUPPRESSION.severity,
                        confidence=UNUSED_SUPPRESSION.confidence,
                        fingerprint=make_fingerprint(UNUSED_SUPPRESSION.id, path, rule_id),
                        hook="core",
                    )
                )
    return found
