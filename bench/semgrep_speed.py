"""Benchmark: the semgrep hook vs plain `semgrep --config semgrep-rules/` on the same files.

    python bench/semgrep_speed.py        # BENCH_RUNS=5 (BENCH_RUNS_LARGE=3 on 500 files)
    BENCH_RUNS=3 SEMGREP=/path/to/semgrep python bench/semgrep_speed.py

Two file sets, each run as pre-commit runs a hook (one process per invocation):

- 5 files: five ML scripts from bench/corpus_semgrep (a typical commit);
- 500 files: every .py case of the corpus plus real Python files copied from the installed
  site-packages (a `pre-commit run --all-files` on a mid-size repository).

Commands:

- hook:  python -m mlwarden.checks.semgrep --format json FILES   (== mlwarden-semgrep)
- plain: semgrep scan --config semgrep-rules/ --json --metrics=off FILES

The ratio is hook / plain (< 1.0: the hook is faster); we report the median of the
per-run ratios (runs are interleaved so a load spike on a shared machine hits both) and
the ratio of the medians. Both commands must report the same findings.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus_semgrep"
PACK = HERE.parent / "semgrep-rules"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
RUNS_LARGE = int(os.environ.get("BENCH_RUNS_LARGE", "3"))
PACKAGES = ("rich", "pygments", "pip", "yaml", "git", "detect_secrets", "bandit", "packaging")
MAX_BYTES = 60_000


def env() -> dict[str, str]:
    result = dict(os.environ)
    result["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    result["SEMGREP_SEND_METRICS"] = "off"
    return result


def semgrep_exe() -> str | None:
    explicit = os.environ.get("SEMGREP")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "semgrep"
    return str(beside) if beside.exists() else shutil.which("semgrep")


def build_tree(root: Path, total: int) -> list[str]:
    """`total` Python files under root: corpus cases first, then site-packages files."""
    files: list[str] = []
    for path in sorted((CORPUS / "unsafe").glob("*.py")) + sorted((CORPUS / "safe").glob("*.py")):
        if len(files) == total:
            return files
        name = f"corpus/{path.name}"
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / name)
        files.append(name)
    site = Path(sysconfig.get_paths()["purelib"])
    for package in PACKAGES:
        for path in sorted((site / package).rglob("*.py")):
            if len(files) == total:
                return files
            if path.stat().st_size > MAX_BYTES:
                continue
            name = f"site/{package}/{path.relative_to(site / package).as_posix()}"
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, root / name)
            files.append(name)
    return files


def timed(command: Sequence[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env(), check=False)
    return time.perf_counter() - start, proc.stdout


def findings_hook(stdout: str) -> set[tuple[str, int, str]]:
    data = json.loads(stdout)
    return {(f["path"], int(f["line"]), f["rule_id"]) for f in data["findings"]}


def findings_plain(stdout: str) -> set[tuple[str, int, str]]:
    data = json.loads(stdout)
    return {
        (r["path"], int(r["start"]["line"]), r["check_id"].rsplit(".", 1)[-1])
        for r in data["results"]
    }


def bench(label: str, root: Path, files: list[str], exe: str, runs: int) -> str:
    hook = [sys.executable, "-m", "mlwarden.checks.semgrep", "--format", "json", *files]
    plain = [exe, "scan", "--config", str(PACK), "--json", "--metrics=off", "--quiet", *files]
    hook_times, plain_times = [], []
    hook_out = plain_out = ""
    for _ in range(runs):
        seconds, hook_out = timed(hook, root)
        hook_times.append(seconds)
        seconds, plain_out = timed(plain, root)
        plain_times.append(seconds)
    same = findings_hook(hook_out) == findings_plain(plain_out)
    ratios = [h / p for h, p in zip(hook_times, plain_times, strict=True)]
    hook_median, plain_median = statistics.median(hook_times), statistics.median(plain_times)
    return (
        f"| {label} | {hook_median:.2f} s | {plain_median:.2f} s | "
        f"{statistics.median(ratios):.2f} | {hook_median / plain_median:.2f} | "
        f"{len(findings_hook(hook_out))} | {'yes' if same else 'NO'} |"
    )


def main() -> int:
    exe = semgrep_exe()
    if exe is None:
        print("semgrep not found: set SEMGREP=/path/to/semgrep", file=sys.stderr)
        return 2
    rows = [
        "| files | hook (median) | plain semgrep (median) | median ratio | ratio of medians "
        "| findings | same findings |",
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="mlw-sg-speed-") as tmp:
        for total in (5, 500):
            root = Path(tmp) / f"tree{total}"
            root.mkdir()
            files = build_tree(root, total)
            runs = RUNS if total <= 5 else RUNS_LARGE
            rows.append(bench(f"{len(files)} ({runs} runs)", root, files, exe, runs))
    print(f"interleaved runs per command, {os.cpu_count()} CPUs\n")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
