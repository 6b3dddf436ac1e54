"""Run mlwarden and the peers (modelaudit, picklescan, fickling, modelscan) over the models
corpus, one file at a time, each in a network-less sandbox; print and write the tables.

    python bench/models_corpus/run.py --mlwarden /work/baseline/.venv/bin/mlwarden \\
        [--corpus bench/.cache/models_corpus] [--results bench/.cache/models_results/NAME] \\
        [--tools mlwarden,modelaudit,picklescan,fickling,modelscan] [--peers-venv DIR]

Writes `results.csv` (one row per case and tool), `results.json` and `summary.md` into
`--results`. See tools.py for how each tool's output becomes a verdict.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from tools import (  # noqa: E402
    CRASH,
    DEFAULT_INCOMPLETE,
    DEFAULT_NOTES,
    DEFAULT_PEERS_VENV,
    DETECTED,
    FAILED,
    PASS,
    Outcome,
    Tool,
    check_sandbox,
    make_tools,
    versions,
)

DEFAULT_CORPUS = HERE.parent / ".cache" / "models_corpus"
DEFAULT_RESULTS = HERE.parent / ".cache" / "models_results"
ALL_TOOLS = ("mlwarden", "modelaudit", "picklescan", "fickling", "modelscan")


@dataclass(frozen=True)
class Item:
    """One file to judge and what it should get."""

    id: str
    path: Path
    expect: str  # malicious | benign | fail-closed
    cls: str
    note: str = ""


@dataclass(frozen=True)
class Row:
    item: Item
    tool: str
    outcome: Outcome


def load_corpus(root: Path) -> list[Item]:
    cases = json.loads((root / "cases.json").read_text())
    return [
        Item(c["id"], root / c["file"], c["expect"], c["class"], c["description"]) for c in cases
    ]


def run_matrix(
    items: Sequence[Item],
    tools: Sequence[Tool],
    *,
    jobs: int = 1,
    sandbox: bool = True,
    progress: bool = True,
    journal: Path | None = None,
) -> list[Row]:
    """Every tool on every item; rows in (item, tool) order. Each outcome is appended to
    `journal` (JSON lines) as it comes; outcomes already there are reused (resume)."""
    pairs = [(item, tool) for item in items for tool in tools]
    known: dict[tuple[str, str], Outcome] = {}
    if journal is not None and journal.exists():
        for line in journal.read_text().splitlines():
            entry = json.loads(line)
            known[(entry["tool"], entry["id"])] = Outcome(
                entry["verdict"], entry["exit_code"], entry["seconds"], entry["detail"]
            )
    lock = threading.Lock()
    done = 0

    def one(pair: tuple[Item, Tool]) -> Row:
        nonlocal done
        item, tool = pair
        outcome = known.get((tool.name, item.id))
        if outcome is None:
            outcome = tool.run(item.path, sandbox=sandbox)
            if journal is not None:
                with lock, journal.open("a") as f:
                    f.write(
                        json.dumps(
                            {
                                "tool": tool.name,
                                "id": item.id,
                                "verdict": outcome.verdict,
                                "exit_code": outcome.exit_code,
                                "seconds": outcome.seconds,
                                "detail": outcome.detail,
                            }
                        )
                        + "\n"
                    )
        row = Row(item, tool.name, outcome)
        done += 1
        if progress:
            print(
                f"\r{done}/{len(pairs)} {tool.name:<10} {item.id[:50]:<50}",
                end="",
                file=sys.stderr,
                flush=True,
            )
        return row

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(one, pairs))
    if progress:
        print(file=sys.stderr)
    return rows


# --- tables ----------------------------------------------------------------------------


def _not_passed(o: Outcome) -> bool:
    return o.verdict in (DETECTED, FAILED, CRASH)


def _count(rows: Iterable[Row], expect: str, test: Callable[[Outcome], bool]) -> tuple[int, int]:
    picked = [r for r in rows if r.item.expect == expect]
    return sum(test(r.outcome) for r in picked), len(picked)


def _frac(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def tool_table(rows: Sequence[Row], tools: Sequence[str]) -> str:
    head = (
        "| tool | malicious caught | malicious not passed (caught or failed) | "
        "benign flagged | benign failed | fail-closed handled | seconds |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for name in tools:
        mine = [r for r in rows if r.tool == name]
        lines.append(
            "| "
            + " | ".join(
                [
                    name,
                    _frac(_count(mine, "malicious", lambda o: o.verdict == DETECTED)),
                    _frac(_count(mine, "malicious", _not_passed)),
                    _frac(_count(mine, "benign", lambda o: o.verdict == DETECTED)),
                    _frac(_count(mine, "benign", lambda o: o.verdict in (FAILED, CRASH))),
                    _frac(_count(mine, "fail-closed", _not_passed)),
                    f"{sum(r.outcome.seconds for r in mine):.1f}",
                ]
            )
            + " |"
        )
    return head + "\n".join(lines) + "\n"


def class_table(rows: Sequence[Row], tools: Sequence[str]) -> str:
    """Per class: malicious caught, benign flagged, fail-closed handled, per tool."""
    classes = sorted({r.item.cls for r in rows})
    head = "| class | " + " | ".join(tools) + " |\n|---|" + "---|" * len(tools) + "\n"
    lines = []
    for cls in classes:
        cells = []
        for name in tools:
            mine = [r for r in rows if r.tool == name and r.item.cls == cls]
            parts = []
            caught = _count(mine, "malicious", lambda o: o.verdict == DETECTED)
            flagged = _count(mine, "benign", lambda o: o.verdict == DETECTED)
            handled = _count(mine, "fail-closed", _not_passed)
            if caught[1]:
                parts.append(f"m {_frac(caught)}")
            if flagged[1]:
                parts.append(f"b {_frac(flagged)}")
            if handled[1]:
                parts.append(f"f {_frac(handled)}")
            cells.append(" · ".join(parts))
        lines.append(f"| {cls} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def wrong_list(rows: Sequence[Row], tool: str) -> str:
    """Every case the tool got wrong: missed, false alarm, or unreadable passed."""
    out = []
    for r in rows:
        if r.tool != tool:
            continue
        o, e = r.outcome, r.item.expect
        wrong = (
            (e == "malicious" and o.verdict != DETECTED)
            or (e == "benign" and o.verdict != PASS)
            or (e == "fail-closed" and not _not_passed(o))
        )
        if wrong:
            name = r.item.id if r.item.id.startswith(r.item.cls) else f"{r.item.cls}/{r.item.id}"
            out.append(f"- `{name}` ({e}) -> **{o.verdict}** (exit {o.exit_code}) {o.detail[:220]}")
    return "\n".join(out) + "\n" if out else "(none)\n"


def write_results(
    rows: Sequence[Row], folder: Path, header: str, tools: Sequence[str], root: Path
) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "results.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["id", "class", "expect", "file", "tool", "verdict", "exit_code", "seconds", "detail"]
        )
        for r in rows:
            writer.writerow(
                [
                    r.item.id,
                    r.item.cls,
                    r.item.expect,
                    _rel(r.item.path, root),
                    r.tool,
                    r.outcome.verdict,
                    r.outcome.exit_code,
                    f"{r.outcome.seconds:.3f}",
                    r.outcome.detail,
                ]
            )
    (folder / "results.json").write_text(
        json.dumps(
            [
                {
                    "id": r.item.id,
                    "class": r.item.cls,
                    "expect": r.item.expect,
                    "file": _rel(r.item.path, root),
                    "tool": r.tool,
                    "verdict": r.outcome.verdict,
                    "exit_code": r.outcome.exit_code,
                    "seconds": round(r.outcome.seconds, 3),
                    "detail": r.outcome.detail,
                }
                for r in rows
            ],
            indent=1,
        )
        + "\n"
    )
    summary = (
        header
        + "\n## Per tool\n\n"
        + tool_table(rows, tools)
        + "\n## Per class (m = malicious caught, b = benign flagged, "
        "f = fail-closed handled)\n\n"
        + class_table(rows, tools)
        + "".join(f"\n## What {t} got wrong\n\n" + wrong_list(rows, t) for t in tools)
    )
    (folder / "summary.md").write_text(summary)
    return summary


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mlwarden", default="mlwarden", help="the mlwarden executable (default: mlwarden on PATH)"
    )
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=DEFAULT_PEERS_VENV,
        help="venv with modelaudit, picklescan, fickling, modelscan",
    )
    parser.add_argument("--tools", default=",".join(ALL_TOOLS))
    parser.add_argument("--jobs", type=int, default=1, help="parallel runs (timings skew)")
    parser.add_argument("--no-sandbox", action="store_true", help="skip `unshare -n`")
    parser.add_argument(
        "--mlwarden-notes",
        default=DEFAULT_NOTES,
        help="mlwarden rule ids that are policy notes, not findings",
    )
    parser.add_argument(
        "--mlwarden-incomplete",
        default=DEFAULT_INCOMPLETE,
        help="mlwarden rule ids that mean 'analysis incomplete'",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="reuse the outcomes journalled in --results by an interrupted run",
    )


def journal(results: Path, resume: bool) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    path = results / "journal.jsonl"
    if not resume and path.exists():
        path.unlink()
    return path


def prepare(args: argparse.Namespace, scratch: Path) -> tuple[list[Tool], dict[str, str]]:
    if not args.no_sandbox:
        check_sandbox()
    names = [t.strip() for t in args.tools.split(",") if t.strip()]
    tools = make_tools(
        names,
        mlwarden_exe=args.mlwarden,
        peers_venv=args.peers_venv,
        notes=args.mlwarden_notes,
        incomplete=args.mlwarden_incomplete,
        scratch=scratch,
    )
    return tools, versions(tools, args.peers_venv, args.mlwarden)


def run_all(
    args: argparse.Namespace, items: Sequence[Item], prefix: str
) -> tuple[list[Tool], dict[str, str], list[Row], float]:
    """Every tool of `args` on every item, in a scratch folder: tools, their versions, the
    rows and the seconds the matrix took (the corpus and the peers' samples alike)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        tools, found = prepare(args, Path(tmp))
        start = time.perf_counter()
        rows = run_matrix(
            items,
            tools,
            jobs=args.jobs,
            sandbox=not args.no_sandbox,
            journal=journal(args.results, args.resume),
        )
        return tools, found, rows, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument("--only", action="append", default=[], help="only these classes")
    add_common_args(parser)
    args = parser.parse_args(argv)
    root = args.corpus.resolve()
    items = [i for i in load_corpus(root) if not args.only or i.cls in args.only]
    tools, found, rows, elapsed = run_all(args, items, "models-bench-")
    names = [t.name for t in tools]
    header = (
        f"# Models corpus: {len(items)} cases\n\nVersions: "
        + ", ".join(f"{k} {v}" for k, v in found.items())
        + f". Sandbox: {'none' if args.no_sandbox else 'unshare -n'}. "
        f"Wall time {elapsed:.0f} s{' (resumed)' if args.resume else ''}, "
        f"jobs={args.jobs}.\n"
    )
    print(write_results(rows, args.results, header, names, root))
    print(f"results in {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
