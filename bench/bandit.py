"""Benchmark: the mlwarden bandit hook vs the plain `bandit` command on the same files.

    python bench/bandit.py            # BENCH_RUNS=5 runs per command, medians
    BANDIT=/path/to/bandit python bench/bandit.py

Corpus: 5 small ML scripts (a typical commit), and those 5 plus 495 real Python files
copied from the installed site-packages (a `pre-commit run --all-files` on a mid-size
repo). Commands are run as pre-commit runs them, one process per invocation:

- hook (ML profile):  python -m mlwarden.checks.bandit FILES      (== mlwarden-bandit)
- hook (all tests):   same, with `[tool.mlwarden.bandit] tests = ["all"]`
- bandit (all tests): bandit -q FILES
- bandit (profile):   bandit -q -t <ML profile ids> FILES

Ratios are hook / bandit on the same tests (< 1.0 = the hook is faster). It also checks
that the hook with all tests reports what bandit reports (test id, file, line).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from mlwarden.checks.bandit.rules import ML_PROFILE

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PACKAGES = ("rich", "pygments", "pip", "yaml", "git", "detect_secrets", "bandit", "packaging")

ML_SNIPPETS = {
    "train.py": 'import torch\nmodel = torch.load("ckpt.pt")\nexec(open("hook.py").read())\n',
    "data.py": "import pickle, yaml\nrows = pickle.load(open('d.pkl', 'rb'))\n"
    "cfg = yaml.load(open('c.yaml'))\n",
    "hub.py": 'from transformers import AutoModel\nm = AutoModel.from_pretrained("org/m")\n',
    "serve.py": 'import flask\napp = flask.Flask(__name__)\napp.run(host="0.0.0.0", debug=True)\n',
    "fetch.py": "import requests, subprocess\nrequests.get(url, verify=False, timeout=9)\n"
    "subprocess.run(f'tar xf {path}', shell=True)\n",
}


def bandit_command() -> str | None:
    explicit = os.environ.get("BANDIT")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "bandit"
    return str(beside) if beside.exists() else shutil.which("bandit")


def build_corpus(root: Path) -> tuple[list[str], list[str]]:
    for name, text in ML_SNIPPETS.items():
        (root / name).write_text(text, encoding="utf-8")
    small = sorted(ML_SNIPPETS)
    site = Path(sysconfig.get_paths()["purelib"])
    real: list[Path] = []
    for package in PACKAGES:
        real.extend(p for p in sorted((site / package).rglob("*.py")) if p.stat().st_size < 200_000)
    large = list(small)
    for index, path in enumerate(real[: 500 - len(small)]):
        name = f"lib/{index:03d}_{path.name}"
        (root / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(path, root / name)
        large.append(name)
    return small, large


def timed(cmd: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): on a shared machine CPU time is the
    stable measure, wall time what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(commands: dict[str, list[str]], cwd: Path) -> dict[str, tuple[float, float]]:
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for cmd in commands.values():  # warm the page cache and .pyc files once
        timed(cmd, cwd)
    for _ in range(RUNS):
        for name, cmd in commands.items():  # interleaved: load spikes hit every command
            samples[name].append(timed(cmd, cwd))
    return {
        name: (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
        for name, values in samples.items()
    }


def same_findings(bandit: str, files: list[str], cwd: Path) -> tuple[int, int, int]:
    """(bandit findings, hook findings, differences) with every test enabled."""
    out = subprocess.run(
        [bandit, "-q", "-f", "json", *files], cwd=cwd, capture_output=True, text=True
    ).stdout
    theirs = {
        (r["test_id"], r["filename"].removeprefix("./"), r["line_number"])
        for r in json.loads(out)["results"]
    }
    hook = [sys.executable, "-m", "mlwarden.checks.bandit", "--config", "all.toml"]
    out = subprocess.run(
        [*hook, "--format", "json", *files], cwd=cwd, capture_output=True, text=True
    ).stdout
    ours = {(f["rule_id"], f["path"], f["line"]) for f in json.loads(out)["findings"]}
    return len(theirs), len(ours), len(theirs ^ ours)


def main() -> int:
    bandit = bandit_command()
    if bandit is None:
        print("bandit not found: set BANDIT=/path/to/bandit", file=sys.stderr)
        return 2
    profile = ",".join(ML_PROFILE)
    with tempfile.TemporaryDirectory(prefix="bench-bandit-") as tmp:
        root = Path(tmp)
        (root / "all.toml").write_text('[tool.mlwarden.bandit]\ntests = ["all"]\n')
        small, large = build_corpus(root)
        hook = [sys.executable, "-m", "mlwarden.checks.bandit"]
        rows = []
        for label, files in (("5 files", small), ("500 files", large)):
            times = medians(
                {
                    "hook_profile": [*hook, *files],
                    "hook_all": [*hook, "--config", "all.toml", *files],
                    "bandit_profile": [bandit, "-q", "-t", profile, *files],
                    "bandit_all": [bandit, "-q", *files],
                },
                root,
            )
            rows.append((label, times))
        theirs, ours, diff = same_findings(bandit, large, root)
    print(f"median of {RUNS} interleaved runs; ratio = hook / bandit on the same tests\n")
    for index, measure in ((1, "CPU seconds (user+sys)"), (0, "wall seconds")):
        print(f"{measure}:\n")
        print(
            "| files | bandit -t profile | hook (ML profile) | ratio | bandit (all) "
            "| hook (all) | ratio |"
        )
        print("|---|---|---|---|---|---|---|")
        for label, t in rows:
            bp, hp = t["bandit_profile"][index], t["hook_profile"][index]
            ba, ha = t["bandit_all"][index], t["hook_all"][index]
            print(
                f"| {label} | {bp:.2f} | {hp:.2f} | {hp / bp:.2f} | {ba:.2f} | {ha:.2f} "
                f"| {ha / ba:.2f} |"
            )
        print()
    print(f"all tests on 500 files: bandit {theirs} findings, hook {ours}, {diff} differ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
