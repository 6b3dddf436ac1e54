"""bandit as a library: one `BanditManager` run over every file of an invocation.

The `bandit` command pays its start-up (plugin discovery, config, formatter) per run and
pre-commit may call it per batch; here the manager is built once and `run_tests` walks
all files. Only this module imports bandit, and only inside `run_bandit`.
"""

from __future__ import annotations

import logging
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
    from bandit.core import manager as b_manager

    with _quiet_bandit_logs():
        # No config file: `[tool.bandit]` and `.bandit` are not read, the hook's own
        # `[tool.mlwarden.bandit]` decides which tests run.
        conf = b_config.BanditConfig()
        manager = b_manager.BanditManager(
            conf, "file", quiet=True, profile={"include": set(tests), "exclude": set()}
        )
        # Set directly rather than through discover_files, which would prefix "./" and
        # apply bandit's include globs to files we already selected.
        manager.files_list = list(paths)
        manager.run_tests()
    issues = tuple(_convert(issue) for issue in manager.results)
    skipped = tuple((str(name), str(reason)) for name, reason in manager.get_skipped())
    return BanditRun(issues, skipped)


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
