"""A/B of cold scans: the same tree, variants of mlwarden or of its arguments, interleaved.

    .venv/bin/python bench/scale/ab.py --tree bench/scale/.work/trees/keras \\
        --variant head=bench/scale/.work/mlwarden-<sha>/src:--hook,bandit \\
        --variant patched=/path/to/patched/src:--hook,bandit

Each `--variant NAME=SRC:ARGS` runs `mlwarden scan --no-cache --format json ARGS` (ARGS
comma-separated, may be empty) with `PYTHONPATH=SRC` (empty: the installed mlwarden), in
`--repeat` rounds that alternate the variants so a load spike hits each alike. Prints the
median wall and CPU time of each (measure.py: the whole process tree) and whether every
variant's report is identical to the first one's. For proposals: what a change to `src/`
would save, measured before anyone makes it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tree", type=Path, required=True)
    parser.add_argument("--variant", action="append", required=True, metavar="NAME=SRC:ARGS")
    parser.add_argument("--mlwarden", default="/work/main/.venv/bin/mlwarden")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--logs", type=Path, default=Path("/tmp/mlwarden-ab"))
    args = parser.parse_args(argv)
    measure.become_subreaper()
    args.logs.mkdir(parents=True, exist_ok=True)
    variants: dict[str, tuple[str, list[str]]] = {}
    for spec in args.variant:
        name, _, rest = spec.partition("=")
        src, _, flags = rest.partition(":")
        variants[name] = (src, [f for f in flags.split(",") if f])
    runs: dict[str, list[measure.Run]] = {name: [] for name in variants}
    reports: dict[str, str] = {}
    for round_ in range(1, args.repeat + 1):
        for name, (src, flags) in variants.items():
            env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
            env |= {"SEMGREP_ENABLE_VERSION_CHECK": "0", "PYTHONPATH": src}
            out = args.logs / f"{name}-r{round_}.json"
            command = [args.mlwarden, "scan", "--no-cache", "--format", "json", "--no-progress"]
            run = measure.measure(
                [*command, "-o", str(out), *flags],
                cwd=args.tree,
                env=env,
                log=args.logs / f"{name}-r{round_}",
                timeout=3600,
            )
            runs[name].append(run)
            data = json.loads(out.read_text(encoding="utf-8"))
            reports[name] = json.dumps([data["findings"], data["errors"]], sort_keys=True)
            print(
                f"{name} r{round_}: {run.wall:.2f} s wall, {run.cpu:.2f} s cpu, "
                f"load {run.load_before:.1f}",
                file=sys.stderr,
                flush=True,
            )
    first = next(iter(reports.values()))
    print("| variant | wall s, median | CPU s, median | peak RSS MiB | report = first |")
    print("|---|---|---|---|---|")
    for name, done in runs.items():
        print(
            f"| {name} | {statistics.median(r.wall for r in done):.2f} | "
            f"{statistics.median(r.cpu for r in done):.2f} | "
            f"{max(r.peak_rss_kib for r in done) / 1024:.0f} | {reports[name] == first} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
