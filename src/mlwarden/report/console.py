"""Progress and the closing summary on a terminal (stderr); never in files, pipes or JSON."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlwarden.core.findings import Severity

if TYPE_CHECKING:
    from mlwarden.core.runner import ScanReport


def is_tty() -> bool:
    return sys.stderr.isatty()


@dataclass
class Progress:
    """A one-line status redrawn in place: hooks running, hooks done, elapsed time."""

    hooks: Sequence[str]
    started: float = field(default_factory=time.perf_counter)
    files: int = 0
    running: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @classmethod
    def start(cls, hooks: Sequence[str]) -> Progress:
        progress = cls(hooks)
        progress._thread = threading.Thread(target=progress._tick, daemon=True)
        progress._thread.start()
        return progress

    def update(self, event: str, hook: str, count: int) -> None:
        with self._lock:
            if event == "files":
                self.files = count
            elif event == "start":
                self.running.add(hook)
            else:
                self.running.discard(hook)
                self.done.add(hook)

    def _tick(self) -> None:
        while not self._stop.wait(0.2):
            with self._lock:
                running = ", ".join(sorted(self.running)) or "-"
                line = (
                    f"mlwarden: {self.files} files, {len(self.done)}/{len(self.hooks)} hooks done, "
                    f"running: {running}, {time.perf_counter() - self.started:.1f}s"
                )
            sys.stderr.write("\r\033[K" + line)
            sys.stderr.flush()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def summary(report: ScanReport) -> str:
    """A table of findings per hook and severity, files scanned and time."""
    severities = list(Severity)
    counts: dict[str, Counter[Severity]] = {hook: Counter() for hook in report.hooks}
    for finding in report.findings:
        counts.setdefault(finding.hook, Counter())[finding.severity] += 1
    header = f"{'hook':<14}" + "".join(f"{s.label:>9}" for s in severities) + f"{'time':>9}"
    seconds = {t.hook: t.seconds for t in report.timings}
    rows = [
        f"{hook:<14}"
        + "".join(f"{counts[hook][s]:>9}" for s in severities)
        + (f"{seconds[hook]:>8.2f}s" if hook in seconds else f"{'':>9}")
        for hook in counts
    ]
    footer = (
        f"{report.files_scanned} files scanned, {len(report.findings)} findings, "
        f"{len(report.errors)} errors, {report.seconds:.2f}s"
    )
    return "\n".join(["", header, *rows, footer, ""]) + "\n"
