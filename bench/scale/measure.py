"""One timed run: wall time, CPU time and peak memory of a command and all it starts.

- `/usr/bin/time -v` gives the command's user+sys time and peak RSS with its waited-for
  children folded in (the kernel's `wait4` accounting): the figure the brief asks for.
- That accounting loses processes their parent never waits for: a multiprocessing
  forkserver (and the workers it forked) outliving mlwarden's main process, semgrep's
  helpers. So this process makes itself a child subreaper (`PR_SET_CHILD_SUBREAPER`):
  orphans of the run are re-parented here, reaped after the run, and the difference of
  `getrusage(RUSAGE_CHILDREN)` is then the CPU of the whole tree, nothing lost.
- A sampler thread adds up the resident sets of every live descendant every 100 ms: the
  memory a parallel run really holds at once (wait4 reports one process's peak only).
- The load average and the machine's busy share (from /proc/stat) before/during the run
  say how much other work competed with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import resource
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_PR_SET_CHILD_SUBREAPER = 36
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Run:
    wall: float
    returncode: int
    time_user: float  # /usr/bin/time -v
    time_sys: float
    time_max_rss_kib: int  # largest single process (wait4)
    tree_cpu: float  # user+sys of every descendant, orphans included (subreaper)
    tree_rss_kib: int  # largest sampled sum of the live process tree
    load_before: float  # 1-minute load average
    load_after: float
    machine_busy: float  # share of all cores busy during the run (any process)
    timed_out: bool = False

    @property
    def cpu(self) -> float:
        return max(self.tree_cpu, self.time_user + self.time_sys)

    @property
    def peak_rss_kib(self) -> int:
        return max(self.time_max_rss_kib, self.tree_rss_kib)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cpu": self.cpu, "peak_rss_kib": self.peak_rss_kib}


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            path = f"/proc/{pid}/task/{task}/children"
            with contextlib.suppress(OSError, ValueError), open(path, encoding="ascii") as f:
                kids.extend(int(k) for k in f.read().split())
    return kids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE_KIB
    except (OSError, ValueError, IndexError):
        return 0


def descendants_rss_kib() -> int:
    """Resident sets of all live descendants of this process (not itself), in KiB."""
    total, stack, seen = 0, _children(os.getpid()), set()
    while stack:
        pid = stack.pop()
        if pid not in seen:
            seen.add(pid)
            total += _rss_kib(pid)
            stack.extend(_children(pid))
    return total


def _cpu_ticks() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


class _Sampler(threading.Thread):
    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, descendants_rss_kib())


def _parse_time(text: str) -> tuple[float, float, int]:
    def field(label: str) -> str:
        match = re.search(rf"^\s*{re.escape(label)}:\s*(\S+)\s*$", text, re.MULTILINE)
        return match.group(1) if match else "0"

    return (
        float(field("User time (seconds)")),
        float(field("System time (seconds)")),
        int(field("Maximum resident set size (kbytes)")),
    )


def _reap_orphans(deadline: float) -> None:
    """Wait for the run's re-parented orphans; kill (only) those still alive at `deadline`."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if time.monotonic() > deadline:
            for kid in _children(os.getpid()):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(kid, signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.02)


def measure(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: Path,
    timeout: float,
) -> Run:
    """Run `command` once under `/usr/bin/time -v`; its output goes to `log`(.out/.err)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", encoding="utf-8") as timing:
        wrapped = [TIME, "-v", "-o", timing.name, *command]
        load_before = os.getloadavg()[0]
        busy0, total0 = _cpu_ticks()
        usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler = _Sampler(0.1)
        with log.with_suffix(".out").open("wb") as out, log.with_suffix(".err").open("wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(
                wrapped, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=out, stderr=err
            )
            sampler.start()
            timed_out = False
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                for kid in [proc.pid, *_children(proc.pid)]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(kid, signal.SIGKILL)
                proc.wait()
            wall = time.perf_counter() - start
        _reap_orphans(time.monotonic() + 30)
        sampler.done.set()
        sampler.join()
        usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy1, total1 = _cpu_ticks()
        user, sys_, max_rss = _parse_time(timing.read())
    tree_cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    return Run(
        wall=wall,
        returncode=proc.returncode,
        time_user=user,
        time_sys=sys_,
        time_max_rss_kib=max_rss,
        tree_cpu=tree_cpu,
        tree_rss_kib=sampler.peak,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        machine_busy=(busy1 - busy0) / max(1, total1 - total0),
        timed_out=timed_out,
    )
