"""Markdown tables and the "Done when" ratios of scale benchmark results."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

Record = dict[str, Any]
JOBS_ORDER = {"1": 0, "2": 1, "default": 2}
SCENARIO_ORDER = ("no cache", "cold", "warm unchanged", "1 file changed", "1% files changed")
TARGETS = {"warm unchanged": 0.10, "1 file changed": 0.15}
SUITE_TARGET = 0.35


def load(paths: Sequence[Path]) -> list[Record]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def progress_line(run: Record) -> str:
    where = f"{run.get('tree_lines', '')} " if run["section"] == "growth" else ""
    return (
        f"[scale] {run['section']:<10} {where}{run['tool']:<14} {run['scenario']:<17} "
        f"j={run['jobs']:<7} r{run['round']}: {run['wall']:7.2f} s wall, {run['cpu']:7.2f} s cpu, "
        f"{run['peak_rss_kib'] / 1024:6.0f} MiB, load {run['load_before']:.1f}, "
        f"+{run.get('entries_written', 0)} entries, rc {run['returncode']}"
    )


def _median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def _runs(results: Sequence[Record], section: str) -> list[Record]:
    return [r for res in results for r in res["runs"] if r["section"] == section]


def _group(runs: Iterable[Record], *keys: str) -> dict[tuple[Any, ...], list[Record]]:
    groups: dict[tuple[Any, ...], list[Record]] = {}
    for run in runs:
        groups.setdefault(tuple(run.get(k) for k in keys), []).append(run)
    return groups


def _row(label: Sequence[str], runs: Sequence[Record]) -> str:
    walls = [r["wall"] for r in runs]
    spread = f" ({min(walls):.1f}-{max(walls):.1f})" if len(walls) > 1 else ""
    cpu = _median(r["cpu"] for r in runs)
    rss = max(r["time_max_rss_kib"] for r in runs) / 1024
    tree_rss = max(r["tree_rss_kib"] for r in runs) / 1024
    load = _median(r["load_before"] for r in runs)
    busy = _median(r["machine_busy"] for r in runs) * 100
    written = _median(r.get("entries_written", 0) for r in runs)
    found = {r.get("findings") for r in runs}
    same = sorted({r["vs_cold"] for r in runs if "vs_cold" in r})
    found_text = "/".join(str(f) for f in sorted(found, key=str))
    if same:
        found_text += f" ({'/'.join(same)} as cold)"
    return (
        f"| {' | '.join(label)} | {_median(walls):.2f}{spread} | {cpu:.1f} | {rss:.0f} / "
        f"{tree_rss:.0f} | {load:.1f} | {busy:.0f}% | {written:.0f} | {found_text} | {len(runs)} |"
    )


def _key(scenario: str) -> int:
    return SCENARIO_ORDER.index(scenario) if scenario in SCENARIO_ORDER else 99


def main_table(results: Sequence[Record]) -> list[str]:
    lines = [
        "| tool | scenario | --jobs | wall s, median (min-max) | CPU s (user+sys) | "
        "peak RSS MiB (largest process / whole tree) | load (1 min) | machine busy | "
        "cache entries written | findings | runs |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    sections = ("scenarios", "hooks", "pre-commit", "peers")
    runs = [r for s in sections for r in _runs(results, s)]
    groups = _group(runs, "section", "tool", "scenario", "jobs")
    order = {s: i for i, s in enumerate(sections)}

    def rank(k: tuple[Any, ...]) -> tuple[Any, ...]:
        return order[k[0]], k[1], JOBS_ORDER.get(k[3], 9), _key(k[2])

    for key in sorted(groups, key=rank):
        _, tool, scenario, jobs = key
        lines.append(_row((tool, scenario, jobs), groups[key]))
    return lines


def _med(runs: Sequence[Record], field: str, **match: str) -> float | None:
    chosen = [r[field] for r in runs if all(r.get(k) == v for k, v in match.items())]
    return _median(chosen) if chosen else None


def ratios(results: Sequence[Record]) -> list[str]:
    scen = _runs(results, "scenarios")
    lines = ["| ratio | --jobs | wall | CPU | target |", "|---|---|---|---|---|"]
    for scenario in ("warm unchanged", "1 file changed", "1% files changed"):
        for jobs in sorted({r["jobs"] for r in scen}, key=lambda j: JOBS_ORDER.get(j, 9)):
            parts = []
            for field in ("wall", "cpu"):
                cold = _med(scen, field, scenario="cold", jobs=jobs)
                this = _med(scen, field, scenario=scenario, jobs=jobs)
                parts.append(f"{this / cold:.3f}" if cold and this is not None else "—")
            target = TARGETS.get(scenario)
            verdict = _verdict(parts[0], target)
            lines.append(f"| {scenario} / cold | {jobs} | {parts[0]} | {parts[1]} | {verdict} |")
    peers = _runs(results, "peers")
    for label, runs, match in (
        ("mlwarden scan cold / peers", scen, {"scenario": "cold", "jobs": "default"}),
        ("pre-commit cold / peers", _runs(results, "pre-commit"), {"scenario": "cold"}),
        ("pre-commit warm / peers", _runs(results, "pre-commit"), {"scenario": "warm unchanged"}),
    ):
        parts = []
        for field in ("wall", "cpu"):
            ours = _med(runs, field, **match)
            each = [_med(peers, field, tool=t) for t in ("detect-secrets", "bandit", "semgrep")]
            total = sum(v for v in each if v is not None) if None not in each else None
            parts.append(f"{ours / total:.3f}" if ours is not None and total else "—")
        verdict = _verdict(parts[0], SUITE_TARGET)
        lines.append(f"| {label} | default | {parts[0]} | {parts[1]} | {verdict} |")
    return lines


def _verdict(value: str, target: float | None) -> str:
    if target is None:
        return ""
    if value == "—":
        return f"≤ {target:.2f}"
    return f"≤ {target:.2f} {'met' if float(value) <= target else 'MISSED'}"


def growth_table(results: Sequence[Record]) -> list[str]:
    runs = _runs(results, "growth")
    if not runs:
        return []
    lines = [
        "| lines | files | tool | cold wall s, median | CPU s | peak RSS MiB | load | runs |",
        "|---|---|---|---|---|---|---|---|",
    ]
    groups = _group(runs, "tree_lines", "tree_files", "tool")
    for (lines_, files, tool), group in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][2])):
        lines.append(
            f"| {lines_} | {files} | {tool} | {_median(r['wall'] for r in group):.2f} | "
            f"{_median(r['cpu'] for r in group):.1f} | "
            f"{max(r['peak_rss_kib'] for r in group) / 1024:.0f} | "
            f"{_median(r['load_before'] for r in group):.1f} | {len(group)} |"
        )
    return lines


def render(results: Sequence[Record]) -> str:
    first = results[0]
    head = [
        f"tree: {first['tree']['repository']} @ {first['tree']['commit'][:12]}, "
        f"{first['tree']['files']} files, {first['tree']['lines']} lines; mlwarden "
        f"{first['mlwarden']['commit'][:12]} (freeze: {first['mlwarden']['freeze']}"
        f"{', content ' + first['mlwarden']['content'] if 'content' in first['mlwarden'] else ''})",
        f"machine: nproc {first['machine']['nproc']}, {first['machine']['cpu']}, "
        f"{first['machine']['mem_gib']} GiB; load before {first['uptime_before']}, "
        f"after {first.get('uptime_after', '?')}",
        f"command: {first['command']}",
        "",
    ]
    body = [*main_table(results), "", *ratios(results)]
    growth = growth_table(results)
    return "\n".join([*head, *body, *(["", *growth] if growth else [])])
