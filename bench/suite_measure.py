"""Runs one command and measures its wall time and peak memory.

Two memory figures, because the tools differ in shape: `wait4` gives the exact peak of the
largest single process of the run (the kernel folds in every waited-for descendant), and a
sampler thread adds up the resident sets of the whole live process tree every 100 ms, which
is what a parallel runner (pre-commit's batches, mlwarden's hooks next to semgrep) really
costs. The peak we report is the larger of the two.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Measurement:
    seconds: float
    returncode: int
    max_rss_kib: int  # largest single process (wait4)
    tree_rss_kib: int  # largest sampled sum over the process tree
    timed_out: bool = False

    @property
    def peak_rss_kib(self) -> int:
        return max(self.max_rss_kib, self.tree_rss_kib)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                kids.extend(int(k) for k in handle.read().split())
        except (OSError, ValueError):
            continue
    return kids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE_KIB
    except (OSError, ValueError, IndexError):
        return 0


def tree_rss_kib(root: int) -> int:
    """Resident set of `root` and all its live descendants, in KiB."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kib(pid)
        stack.extend(_children(pid))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, tree_rss_kib(self.pid))


def measure(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    stdout: Path,
    stderr: Path,
    timeout: float,
    sample_interval: float = 0.1,
) -> Measurement:
    """Run `command` once; output goes to files so a chatty tool never blocks on a pipe."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,  # one process group, so a timeout kills it all
        )
        sampler = _Sampler(proc.pid, sample_interval)
        sampler.start()
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            _kill_group(proc.pid)

        timer = threading.Timer(timeout, expire)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.done.set()
        seconds = time.perf_counter() - start
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        seconds, proc.returncode, int(usage.ru_maxrss), sampler.peak, expired.is_set()
    )


def _kill_group(pid: int) -> None:
    # Only while the leader is unreaped (inside wait4), so the group id is still ours.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
