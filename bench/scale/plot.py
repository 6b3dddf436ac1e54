"""Growth of mlwarden's cold scan time with tree size: docs/scale.png from run.py's results.

matplotlib is not a dependency of mlwarden; run this with a venv of its own:

    python3 -m venv /work/peers/plot-venv && /work/peers/plot-venv/bin/pip install matplotlib
    /work/peers/plot-venv/bin/python bench/scale/plot.py bench/scale/results/scale-*.json \\
        -o docs/scale.png
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PEERS = ("detect-secrets", "bandit", "semgrep")


def series(runs: list[dict[str, Any]], tool: str, field: str) -> tuple[list[int], list[float]]:
    by_size: dict[int, list[float]] = {}
    for run in runs:
        if run["tool"] == tool:
            by_size.setdefault(run["tree_lines"], []).append(run[field])
    sizes = sorted(by_size)
    return sizes, [statistics.median(by_size[s]) for s in sizes]


def peers_sum(runs: list[dict[str, Any]], field: str) -> tuple[list[int], list[float]]:
    each = [dict(zip(*series(runs, tool, field), strict=True)) for tool in PEERS]
    sizes = sorted(set.intersection(*(set(e) for e in each))) if all(each) else []
    return sizes, [sum(e[s] for e in each) for s in sizes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/scale.png"))
    args = parser.parse_args(argv)
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in args.results]
    runs = [r for res in loaded for r in res["runs"] if r["section"] == "growth"]
    if not runs:
        raise SystemExit("no growth runs in these results")
    meta = loaded[0]
    fig, ax = plt.subplots(figsize=(7.5, 4.6), dpi=120)
    curves = [
        ("mlwarden scan, wall", *series(runs, "mlwarden scan", "wall"), "-o", "tab:blue"),
        ("mlwarden scan, CPU (user+sys)", *series(runs, "mlwarden scan", "cpu"), "--o", "tab:blue"),
        (
            "detect-secrets + bandit + semgrep (each alone, summed), wall",
            *peers_sum(runs, "wall"),
            "-s",
            "tab:red",
        ),
        ("detect-secrets + bandit + semgrep, CPU", *peers_sum(runs, "cpu"), "--s", "tab:red"),
    ]
    for label, xs, ys, style, color in curves:
        if xs:
            ax.plot([x / 1000 for x in xs], ys, style, color=color, label=label)
    for i, (x, y) in enumerate(zip(*series(runs, "mlwarden scan", "wall"), strict=True)):
        offset = (4, 6) if i % 2 == 0 else (4, -14)
        ax.annotate(f"{y:.0f} s", (x / 1000, y), textcoords="offset points", xytext=offset)
    scenarios = [r for res in loaded for r in res["runs"] if r["section"] == "scenarios"]
    full = meta["tree"]["lines"] / 1000
    for scenario, marker in (("warm unchanged", "*"), ("1 file changed", "P")):
        walls = [
            r["wall"] for r in scenarios if r["scenario"] == scenario and r["jobs"] == "default"
        ]
        if walls:
            wall = statistics.median(walls)
            label = f"mlwarden scan, {scenario} (cache), wall: {wall:.1f} s"
            ax.plot([full], [wall], marker, color="tab:green", markersize=10, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("tree size (thousand lines; prefixes of the file list)")
    ax.set_ylabel("time (s), median of runs")
    tree = meta["tree"]
    ax.set_title(
        f"Cold scan time vs tree size: {tree['repository'].rsplit('/', 1)[-1]} "
        f"@ {tree['commit'][:8]}, nproc {meta['machine']['nproc']}",
        fontsize=10,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
