"""bandit as a library: one `BanditManager` run over every file of an invocation.

The `bandit` command pays its start-up (plugin discovery, config, formatter) per run and
pre-commit may call it per batch; here the manager is built once and `run_tests` walks
all files. Only this module imports bandit, and only inside `run_bandit`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BanditIssue:
    """The parts of a `bandit.core.issue.Issue` the hook uses, decoupled from bandit."""

    fname: str
    test_id: str
    severity: str
    confidence: str
    cwe: int
    text: str
    line: int
    column: int
    end_line: int | None
    end_column: int | None


@dataclass(frozen=True)
class BanditRun:
    issues: tuple[BanditIssue, ...]
    skipped: tuple[tuple[str, str], ...]


@contextmanager
def _quiet_bandit_logs() -> Iterator[None]:
    """bandit logs per-file problems on its own logger; we report them as ScanErrors."""
    import logging

    logger = logging.getLogger("bandit")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate


def run_bandit(paths: Sequence[str], tests: Sequence[str]) -> BanditRun:
    """Run the bandit `tests` (ids, never empty) over `paths` in one manager."""
    if not paths or not tests:
        return BanditRun((), ())
    from bandit.core import config as b_config

    with _quiet_bandit_logs():
        # No config file: `[tool.bandit]` and `.bandit` are not read, the hook's own
        # `[tool.mlwarden.bandit]` decides which tests run.
        conf = b_config.BanditConfig()
        manager = _manager_class()(
            conf, "file", quiet=True, profile={"include": set(tests), "exclude": set()}
        )
        # Set directly rather than through discover_files, which would prefix "./" and
        # apply bandit's include globs to files we already selected.
        manager.files_list = list(paths)
        manager.run_tests()
    issues = tuple(_convert(issue) for issue in manager.results)
    skipped = tuple((str(name), str(reason)) for name, reason in manager.get_skipped())
    return BanditRun(issues, skipped)


def _manager_class() -> Any:
    """bandit's manager, with the `# nosec` lookup made cheap when it can be.

    For every (node, test) pair that finds nothing, bandit scans every line of the
    node's parent for a `# nosec` comment: quadratic on long literals (vocabularies,
    label maps, lexer tables), and ~2/3 of its run time on real code. The subclass
    answers "no nosec here" from a sorted list of nosec lines and defers to bandit
    otherwise, so results are identical. Falls back to the stock manager if a future
    bandit renames the internals it relies on.
    """
    from bandit.core import manager as b_manager
    from bandit.core import node_visitor as b_node_visitor
    from bandit.core import tester as b_tester

    if not (
        hasattr(b_manager.BanditManager, "_execute_ast_visitor")
        and hasattr(b_tester.BanditTester, "_get_nosecs_from_contexts")
    ):
        return b_manager.BanditManager

    class Tester(b_tester.BanditTester):  # type: ignore[misc]
        def __init__(self, testset: Any, debug: Any, nosec_lines: Any, metrics: Any) -> None:
            super().__init__(testset, debug, nosec_lines, metrics)
            # bandit maps every comment line; a None value is a comment without nosec.
            self.mlwarden_nosec = sorted(n for n, v in nosec_lines.items() if v is not None)

        def _get_nosecs_from_contexts(self, context: Any, test_result: Any = None) -> Any:
            lines = context.get("linerange") or (0,)
            low, high = lines[0], lines[-1]
            if high - low + 1 != len(lines):  # bandit builds ranges; anything else: be exact
                low, high = min(lines), max(lines)
            at = bisect.bisect_left(self.mlwarden_nosec, low)
            in_range = at < len(self.mlwarden_nosec) and self.mlwarden_nosec[at] <= high
            on_line = test_result is not None and test_result.lineno in self.nosec_lines
            if not in_range and not on_line:
                return None
            return super()._get_nosecs_from_contexts(context, test_result)

    class Manager(b_manager.BanditManager):  # type: ignore[misc]
        def _execute_ast_visitor(self, fname: Any, fdata: Any, data: Any, nosec: Any) -> Any:
            visitor = b_node_visitor.BanditNodeVisitor(
                fname, fdata, self.b_ma, self.b_ts, self.debug, nosec, self.metrics
            )
            visitor.tester = Tester(self.b_ts, self.debug, nosec, self.metrics)
            score = visitor.process(data)
            self.results.extend(visitor.tester.results)
            return score

    return Manager


def _convert(issue: Any) -> BanditIssue:
    linerange = [n for n in (issue.linerange or []) if isinstance(n, int)]
    col, end_col = issue.col_offset, issue.end_col_offset
    return BanditIssue(
        fname=str(issue.fname),
        test_id=str(issue.test_id),
        severity=str(issue.severity),
        confidence=str(issue.confidence),
        cwe=int(getattr(issue.cwe, "id", 0) or 0),
        text=str(issue.text),
        line=int(issue.lineno or 1),
        column=col + 1 if isinstance(col, int) and col >= 0 else 1,
        end_line=max(linerange) if linerange else None,
        end_column=end_col + 1 if isinstance(end_col, int) and end_col > 0 else None,
    )
