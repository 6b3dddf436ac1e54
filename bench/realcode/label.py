"""Add hand labels for findings of the latest run (the NEW lines `score.py` prints).

Reads decisions, one a line, tab-separated, from a file or stdin:

    repo  tool  rule  path  line  detail  verdict  reason

(`detail` may be empty; `verdict` is TP or FP; `reason` is the one-line why). Each decision
must name a finding of `bench/.cache/realcode/findings-<tool>.jsonl`: the row written to
`labels/<repo>.csv` takes its commit, hook and the hash of its source line from there, so
labels never hold the code itself. A decision that names no finding is an error.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from score import CACHE, HERE, TOOLS, line_sha

FIELDS = (
    "repo", "commit", "tool", "hook", "path", "line", "rule", "detail", "line_sha", "verdict",
    "reason",
)  # fmt: skip


def findings(cache: Path) -> dict[tuple[str, ...], dict]:
    found: dict[tuple[str, ...], dict] = {}
    for tool in TOOLS:
        path = cache / f"findings-{tool}.jsonl"
        if not path.exists():
            continue
        for text in path.read_text().splitlines():
            row = json.loads(text)
            key = (row["repo"], row["tool"], row["rule"], row["path"], str(row["line"]))
            found.setdefault((*key, row["detail"]), row)
            found.setdefault(key, row)
    return found


def label_rows(decisions: Iterable[str], known: dict[tuple[str, ...], dict]) -> list[dict]:
    rows = []
    for number, text in enumerate(decisions, start=1):
        if not text.strip() or text.startswith("#"):
            continue
        parts = text.rstrip("\n").split("\t")
        if len(parts) != 8:
            raise SystemExit(f"decision {number}: expected 8 tab-separated fields")
        repo, tool, rule, path, line, detail, verdict, reason = parts
        if verdict not in ("TP", "FP"):
            raise SystemExit(f"decision {number}: verdict must be TP or FP")
        finding = known.get((repo, tool, rule, path, line, detail)) or known.get(
            (repo, tool, rule, path, line)
        )
        if finding is None:
            raise SystemExit(f"decision {number}: no finding {repo} {tool} {rule} {path}:{line}")
        rows.append(
            {
                "repo": repo,
                "commit": finding["commit"],
                "tool": tool,
                "hook": finding["hook"],
                "path": path,
                "line": line,
                "rule": rule,
                "detail": detail or finding["detail"],
                "line_sha": line_sha(finding["text"]),
                "verdict": verdict,
                "reason": reason,
            }
        )
    return rows


def append(rows: Sequence[dict], folder: Path) -> None:
    for repo in sorted({r["repo"] for r in rows}):
        target = folder / f"{repo}.csv"
        new = not target.exists()
        with target.open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS)
            if new:
                writer.writeheader()
            writer.writerows(r for r in rows if r["repo"] == repo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "decisions", nargs="?", type=Path, help="file of decisions (default: stdin)"
    )
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--labels", type=Path, default=HERE / "labels")
    args = parser.parse_args(argv)
    text = args.decisions.read_text() if args.decisions else sys.stdin.read()
    rows = label_rows(text.splitlines(), findings(args.cache))
    append(rows, args.labels)
    print(f"{len(rows)} label(s) added", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
