"""Run mlwarden and detect-secrets on the provider corpus: recall, false alarms, seconds.

    python bench/secrets_providers/run.py --mlwarden .venv/bin/mlwarden \\
        [--detect-secrets /work/peers/secrets-venv/bin/detect-secrets] [--corpus DIR] \\
        [--repeat 3] [--json results.json] [--misses mlwarden]

mlwarden runs as `mlwarden scan --hook secrets --format json --no-progress files` and
detect-secrets as `detect-secrets scan --all-files files` (its default plugins and filters,
no baseline), both from the corpus root, where an empty `.mlwarden.toml` keeps the
enclosing repository's configuration out. A positive is found when the tool reports its
file on a line of its span; a negative is a false alarm when the tool reports anything in
its file. Wall time is the median of `--repeat` runs, the tools interleaved.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import build

Hits = dict[str, dict[int, set[str]]]  # file -> line -> rule ids
DEFAULT_DS = "/work/peers/secrets-venv/bin/detect-secrets"


def _strip(path: str) -> str:
    path = path.removeprefix("./")
    return path.removeprefix("files/")


def _absolute(exe: str) -> str:
    """The tools run from the corpus root: a relative `.venv/bin/x` must not move with it."""
    return str(Path(exe).resolve()) if "/" in exe else exe


def mlwarden_command(exe: str) -> list[str]:
    """Cold every time: a build with the result cache gets `--no-cache`, so repeats measure
    the scan, not a cache hit."""
    cmd = [_absolute(exe), "scan", "--hook", "secrets", "--format", "json", "--no-progress"]
    helptext = subprocess.run(
        [_absolute(exe), "scan", "--help"], capture_output=True, text=True, check=False
    ).stdout
    return [*cmd, *(["--no-cache"] if "--no-cache" in helptext else []), "files"]


def parse_mlwarden(stdout: str) -> Hits:
    hits: Hits = defaultdict(lambda: defaultdict(set))
    report = json.loads(stdout)
    for finding in report["findings"]:
        hits[_strip(finding["path"])][finding["line"]].add(finding["rule_id"])
    for error in report.get("errors", []):
        print(f"mlwarden error: {error}", file=sys.stderr)
    return hits


def ds_command(exe: str) -> list[str]:
    return [_absolute(exe), "scan", "--all-files", "files"]


def parse_ds(stdout: str) -> Hits:
    hits: Hits = defaultdict(lambda: defaultdict(set))
    for path, results in json.loads(stdout)["results"].items():
        for result in results:
            hits[_strip(path)][result["line_number"]].add(result["type"])
    return hits


def isolate(root: Path) -> None:
    """Make `root` a repository of its own: the corpus lives under the enclosing repo's
    git-ignored `bench/.cache`, and mlwarden scans what `git add -A` would see, so inside
    that repo it would judge nothing. An empty `.mlwarden.toml` keeps its config out too."""
    (root / ".mlwarden.toml").write_text("# keeps the enclosing repo's config out\n")
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True)


def run_tool(cmd: list[str], cwd: Path, ok_codes: Iterable[int]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode not in ok_codes:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds, proc.stdout


def score(cases: list[dict], hits: Hits) -> list[dict]:
    """Each case with `found` (positive reported / negative flagged) and the rules that hit."""
    planted: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for case in cases:
        planted[case["file"]].append((case["line"], case["end_line"]))
    scored = []
    for case in cases:
        lines = hits.get(case["file"], {})
        span = range(case["line"], case["end_line"] + 1)
        rules = sorted({r for line, ids in lines.items() if line in span for r in ids})
        unplanted = 0
        if case["expect"] == "positive":
            unplanted = sum(
                1 for line in lines if not any(a <= line <= b for a, b in planted[case["file"]])
            )
        scored.append({**case, "found": bool(rules), "rules": rules, "unplanted": unplanted})
    return scored


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def table(
    title: str,
    results: dict[str, list[dict]],
    key: Callable[[dict], str | None],
    expect: str,
) -> str:
    tools = list(results)
    groups: dict[str, list[int]] = {}
    for i, case in enumerate(results[tools[0]]):
        k = key(case)
        if k is not None and case["expect"] == expect:
            groups.setdefault(k, []).append(i)
    what = "recall" if expect == "positive" else "false alarms"
    head = f"| {title} | n | " + " | ".join(f"{t} {what}" for t in tools) + " |"
    rows = [head, "|---|---:|" + "---:|" * len(tools)]
    totals = [0] * len(tools)
    count = 0
    for k in sorted(groups):
        idx = groups[k]
        count += len(idx)
        cells = []
        for t, tool in enumerate(tools):
            found = sum(results[tool][i]["found"] for i in idx)
            totals[t] += found
            cells.append(f"{pct(found, len(idx))} ({found})")
        rows.append(f"| {k} | {len(idx)} | " + " | ".join(cells) + " |")
    cells = [f"**{pct(n, count)}** ({n})" for n in totals]
    rows.append(f"| **all** | {count} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def report(results: dict[str, list[dict]], seconds: dict[str, list[float]]) -> str:
    def provider(case: dict) -> str | None:
        return case["provider"] if case["set"] == "providers" else None

    def assignment(case: dict) -> str | None:
        return case["class"] if case["set"] == "assignments" else None

    def neg_class(case: dict) -> str | None:
        return case.get("class") if case["set"] == "providers" else None

    def syntax(case: dict) -> str | None:
        if case["set"] != "providers" or case.get("syntax", "snippet").startswith("snippet"):
            return None
        return f"{case['syntax']} ({case['name']} name)"

    def ai(case: dict) -> str | None:
        if case["set"] != "providers":
            return None
        return "AI/ML" if case["ai"] else "other"

    parts = [
        table("provider", results, provider, "positive"),
        table("provider", results, provider, "negative"),
        table("negative class", results, neg_class, "negative"),
        table("syntax", results, syntax, "positive"),
        table("group", results, ai, "positive"),
        table("assignment class", results, assignment, "positive"),
        table("assignment near miss", results, assignment, "negative"),
    ]
    lines = ["| tool | median wall s | runs |", "|---|---:|---|"]
    for tool, runs in seconds.items():
        lines.append(
            f"| {tool} | {statistics.median(runs):.2f} | "
            + ", ".join(f"{s:.2f}" for s in runs)
            + " |"
        )
    for tool, scored in results.items():
        noise = sum(c["unplanted"] for c in scored)
        lines.append(f"\n{tool}: {noise} findings on unplanted lines of positive files")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def report_sets(
    results: dict[str, list[dict]], seconds: dict[str, list[float]], sets: list[str]
) -> str:
    """Per-provider recall and false alarms for each case set (peer strings)."""
    parts = []
    for name in sets:

        def key(case: dict, name: str = name) -> str | None:
            return case["provider"] if case["set"] == name else None

        parts.append(f"### strings from {name}")
        parts.append(table("provider", results, key, "positive"))
        parts.append(table("provider", results, key, "negative"))
    parts.append("| tool | median wall s |\n|---|---:|")
    parts[-1] += "".join(f"\n| {t} | {statistics.median(s):.2f} |" for t, s in seconds.items())
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlwarden", required=True, help="the mlwarden executable to measure")
    parser.add_argument("--detect-secrets", default=DEFAULT_DS)
    parser.add_argument("--corpus", type=Path, default=build.DEFAULT_OUT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path, help="write every scored case here")
    parser.add_argument(
        "--misses",
        choices=("mlwarden", "detect-secrets"),
        help="also list this tool's missed positives and false alarms",
    )
    args = parser.parse_args(argv)

    cases = (
        build.build(args.corpus, args.seed, 12)
        if not (args.corpus / "cases.json").exists()
        else json.loads((args.corpus / "cases.json").read_text())["cases"]
    )
    isolate(args.corpus)
    tools = {
        "mlwarden": (mlwarden_command(args.mlwarden), parse_mlwarden, (0, 1)),
        "detect-secrets": (ds_command(args.detect_secrets), parse_ds, (0,)),
    }
    seconds: dict[str, list[float]] = {t: [] for t in tools}
    outputs: dict[str, str] = {}
    for _ in range(args.repeat):
        for name, (cmd, _parse, ok) in tools.items():
            took, outputs[name] = run_tool(cmd, args.corpus, ok)
            seconds[name].append(took)
    results = {name: score(cases, parse(outputs[name])) for name, (_c, parse, _o) in tools.items()}
    print(report(results, seconds))
    if args.misses:
        for case in results[args.misses]:
            bad = case["found"] != (case["expect"] == "positive")
            if bad:
                what = "MISS" if case["expect"] == "positive" else f"FALSE ALARM {case['rules']}"
                label = case.get("variant") or case.get("class")
                print(f"{what}: {case['file']}:{case['line']} {label} {case.get('syntax', '')}")
    if args.json:
        args.json.write_text(json.dumps({"seconds": seconds, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
