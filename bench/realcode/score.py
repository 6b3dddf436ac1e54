"""Score the latest real-code findings against the hand labels, and report regressions.

Reads `bench/.cache/realcode/findings-<tool>.jsonl` (written by `run.py`) and
`bench/realcode/labels/<repo>.csv`, and prints:

- per mlwarden hook and per peer tool: findings, TP, FP, unlabelled, precision, and recall
  against the union of every tool's labelled true-positive lines;
- secrets false positives per 100k lines of code (`loc` in `repos.toml`);
- the regression report: every labelled TP that no longer appears, every labelled FP that
  appears again after it had gone (state in `last-score.json` beside the findings), every
  labelled FP still present, and the unlabelled findings (to label).

A finding matches a label on (repo, tool, path, rule, detail) and the line; when the line moved,
on the hash of the stripped source line (`line_sha`), then on a unique label within 3 lines;
then on a label of an equivalent rule (mlwarden's rule ownership, e.g. SG024 and B615) on the
same line. A TP whose line is still reported under an equivalent rule is not lost.
Exit status: 1 when a labelled TP disappeared, else 0.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".cache" / "realcode"
TOOLS = ("mlwarden", "detect-secrets", "bandit", "semgrep")
SECRET_GROUPS = ("mlwarden/secrets", "detect-secrets")
DRIFT = 3


def line_sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass
class Label:
    row: dict[str, str]
    matched: bool = False

    @property
    def group_key(self) -> tuple[str, ...]:
        r = self.row
        return (r["repo"], r["tool"], r["path"], r["rule"], _base(r["detail"]))


@dataclass
class Index:
    """Labels by (repo, tool, path, rule, detail), for exact, text and nearby matching.

    `equivalents` maps a rule id to the ids that report the same risk on the same line
    under rule ownership (SG024 and B615): a finding of one matches, on its own line, a
    label left unmatched by the other, so a check that moved to its owner keeps its label.
    """

    groups: dict[tuple[str, ...], list[Label]] = field(default_factory=lambda: defaultdict(list))
    equivalents: dict[str, set[str]] = field(default_factory=dict)
    by_line: dict[tuple[str, ...], list[Label]] = field(default_factory=lambda: defaultdict(list))

    def add(self, label: Label) -> None:
        self.groups[label.group_key].append(label)
        r = label.row
        self.by_line[(r["repo"], r["tool"], r["path"], r["line"])].append(label)

    def match(self, finding: dict, *, near: bool = False) -> Label | None:
        """Strong matches first (same line or line hash, own rule then an equivalent
        rule); with `near`, a unique label of the rule within DRIFT lines. `score` runs
        every finding through the strong pass before any takes a label by nearness, so a
        finding never takes its neighbour's label."""
        if near:
            return self._near(finding)
        label = self._match_rule(finding)
        if label is not None:
            return label
        # The same risk on the same line under an equivalent rule's id.
        others = self.equivalents.get(finding["rule"], set())
        line, sha = str(finding["line"]), line_sha(finding["text"])
        for x in self.by_line.get((finding["repo"], finding["tool"], finding["path"], line), ()):
            if not x.matched and x.row["rule"] in others:
                x.matched = True
                return x
        for x in self._same_file(finding):
            if not x.matched and x.row["rule"] in others and x.row["line_sha"] == sha:
                x.matched = True
                return x
        return None

    def _same_file(self, finding: dict) -> list[Label]:
        key = (finding["repo"], finding["tool"], finding["path"])
        return [x for k, xs in self.groups.items() if k[:3] == key for x in xs]

    def _candidates(self, finding: dict) -> list[Label]:
        key = (finding["repo"], finding["tool"], finding["path"], finding["rule"])
        return [x for x in self.groups.get((*key, _base(finding["detail"])), ()) if not x.matched]

    def _match_rule(self, finding: dict) -> Label | None:
        candidates = self._candidates(finding)
        line, sha = str(finding["line"]), line_sha(finding["text"])
        for test in (
            lambda x: x.row["line"] == line and x.row["detail"] == finding["detail"],
            lambda x: x.row["line"] == line,
            lambda x: x.row["line_sha"] == sha,
        ):
            hits = [x for x in candidates if test(x)]
            if hits:
                hits[0].matched = True
                return hits[0]
        return None

    def _near(self, finding: dict) -> Label | None:
        candidates = self._candidates(finding)
        near = [x for x in candidates if abs(int(x.row["line"]) - finding["line"]) <= DRIFT]
        if len(near) == 1:
            near[0].matched = True
            return near[0]
        return None


def _base(detail: str) -> str:
    """`numpy#2` -> `numpy`: repeat counters are matched by order, not by name."""
    return detail.split("#", 1)[0]


def group_of(tool: str, hook: str) -> str:
    return f"mlwarden/{hook}" if tool == "mlwarden" else tool


def load_findings(cache: Path, tools: Iterable[str]) -> list[dict]:
    rows = []
    for tool in tools:
        path = cache / f"findings-{tool}.jsonl"
        if path.exists():
            rows += [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    return rows


def load_labels(folder: Path) -> list[Label]:
    labels = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="") as f:
            labels += [Label(row) for row in csv.DictReader(f)]
    return labels


def load_loc(repos_file: Path) -> dict[str, int]:
    data = tomllib.loads(repos_file.read_text())
    return {r["name"]: int(r.get("loc", 0)) for r in data["repo"]}


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}%" if den else "—"


def load_equivalents() -> dict[str, set[str]]:
    """Rule ownership as mlwarden declares it (`Rule.equivalents`), both directions; empty
    when mlwarden is not importable (then rules match only themselves)."""
    try:
        from mlwarden.core.catalog import all_rules
    except ImportError:
        return {}
    pairs: dict[str, set[str]] = defaultdict(set)
    for rule in all_rules().values():
        for other in rule.equivalents:
            pairs[rule.id].add(other)
            pairs[other].add(rule.id)
    return dict(pairs)


def score(
    findings: list[dict],
    labels: list[Label],
    loc: dict[str, int],
    equivalents: dict[str, set[str]] | None = None,
) -> dict:
    index = Index(equivalents=equivalents or {})
    for label in labels:
        index.add(label)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tp_lines: dict[str, set] = defaultdict(set)
    present_fp: list[dict] = []
    unlabelled: list[dict] = []
    verdicts: dict[str, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    ordered = sorted(findings, key=lambda r: (r["repo"], r["tool"], r["path"], r["line"]))
    strong = [index.match(f) for f in ordered]
    labels_of = [
        label if label is not None else index.match(f, near=True)
        for f, label in zip(ordered, strong, strict=True)
    ]
    for f, label in zip(ordered, labels_of, strict=True):
        group = group_of(f["tool"], f["hook"])
        s = stats[group]
        s["findings"] += 1
        if label is None:
            s["unlabelled"] += 1
            unlabelled.append(f)
        elif label.row["verdict"] == "TP":
            s["TP"] += 1
            tp_lines[group].add((f["repo"], f["path"], f["line"]))
        else:
            s["FP"] += 1
            present_fp.append({**label.row, "line": f["line"]})
        if label is not None:
            verdicts[group][(f["repo"], f["path"], f["line"])].append(label.row["verdict"])
    all_tp = {
        (x.row["repo"], x.row["path"], int(x.row["line"]))
        for x in labels
        if x.row["verdict"] == "TP"
    }
    run_tools = {f["tool"] for f in findings}
    # A true positive whose line is still reported under an equivalent rule (the owner of
    # the check) is not lost: the maintainer still sees the risk on that line.
    reported = {(f["repo"], f["tool"], f["path"], f["line"], f["rule"]) for f in findings}
    owners = index.equivalents

    def still_reported(row: dict[str, str]) -> bool:
        key = (row["repo"], row["tool"], row["path"], int(row["line"]))
        return any((*key, other) in reported for other in owners.get(row["rule"], ()))

    lost = [
        x.row
        for x in labels
        if x.row["verdict"] == "TP"
        and not x.matched
        and x.row["tool"] in run_tools
        and not still_reported(x.row)
    ]
    absent_fp = [
        x.row
        for x in labels
        if x.row["verdict"] == "FP" and not x.matched and x.row["tool"] in run_tools
    ]
    return {
        "stats": stats,
        "tp_lines": tp_lines,
        "all_tp": all_tp,
        "lost": lost,
        "present_fp": present_fp,
        "absent_fp": absent_fp,
        "unlabelled": unlabelled,
        "pairs": compare_pairs(verdicts),
        "loc": sum(loc.get(r, 0) for r in {f["repo"] for f in findings}),
    }


# Each mlwarden hook beside the peer a team would run instead of it.
PAIRS = (
    ("mlwarden/semgrep", "semgrep"),
    ("mlwarden/bandit", "bandit"),
    ("mlwarden/secrets", "detect-secrets"),
)


def _tally(verdicts: dict[tuple, list[str]], lines: set[tuple]) -> tuple[int, int]:
    """(TP lines, FP lines): a line is FP for a tool when any of its findings there is."""
    fp = sum(1 for line in lines if "FP" in verdicts.get(line, ()))
    return len(lines) - fp, fp


def compare_pairs(verdicts: dict[str, dict[tuple, list[str]]]) -> list[dict]:
    """Each hook and its peer, line by line, on the lines both flag and on the lines only
    one flags: "at least as precise as the peer on the same lines" is read on the shared
    ones. Lines, not findings, because ownership moves a second finding of one line to
    another hook (SG024 to bandit's B615), which would skew a count of findings."""
    rows = []
    for hook, peer in PAIRS:
        ours, theirs = verdicts.get(hook, {}), verdicts.get(peer, {})
        shared = set(ours) & set(theirs)
        rows.append(
            {
                "hook": hook,
                "peer": peer,
                "shared_lines": len(shared),
                "hook_shared": _tally(ours, shared),
                "peer_shared": _tally(theirs, shared),
                "hook_only": _tally(ours, set(ours) - shared),
                "peer_only": _tally(theirs, set(theirs) - shared),
            }
        )
    return rows


def _cell(tp_fp: tuple[int, int]) -> str:
    tp, fp = tp_fp
    return f"{tp}/{fp} ({pct(tp, tp + fp)})"


def fp_key(row: dict) -> str:
    return "|".join(
        (row["repo"], row["tool"], row["path"], row["rule"], row["line_sha"], row["detail"])
    )


def print_report(result: dict, out, show: int, previous_absent: set[str]) -> list[dict]:
    stats, loc = result["stats"], result["loc"]
    print(
        "| tool / hook | findings | TP | FP | unlabelled | precision | TP lines "
        "| recall vs all TP lines |",
        file=out,
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|", file=out)
    order = sorted(stats, key=lambda g: (not g.startswith("mlwarden"), g))
    for group in order:
        s = stats[group]
        judged = s["TP"] + s["FP"]
        lines = len(result["tp_lines"][group])
        print(
            f"| {group} | {s['findings']} | {s['TP']} | {s['FP']} | {s['unlabelled']} "
            f"| {pct(s['TP'], judged)} | {lines} | {pct(lines, len(result['all_tp']))} |",
            file=out,
        )
    ours = set().union(*(v for g, v in result["tp_lines"].items() if g.startswith("mlwarden/")))
    total = {
        k: sum(stats[g][k] for g in stats if g.startswith("mlwarden/"))
        for k in ("findings", "TP", "FP", "unlabelled")
    }
    print(
        f"| **mlwarden (all hooks)** | {total['findings']} | {total['TP']} | {total['FP']} "
        f"| {total['unlabelled']} | {pct(total['TP'], total['TP'] + total['FP'])} "
        f"| {len(ours)} | {pct(len(ours), len(result['all_tp']))} |",
        file=out,
    )
    print(
        "\n| hook | peer | lines both flag | hook TP/FP lines there | peer TP/FP lines there "
        "| hook-only TP/FP lines | peer-only TP/FP lines |\n|---|---|---:|---:|---:|---:|---:|",
        file=out,
    )
    for row in result["pairs"]:
        print(
            f"| {row['hook']} | {row['peer']} | {row['shared_lines']} "
            f"| {_cell(row['hook_shared'])} | {_cell(row['peer_shared'])} "
            f"| {_cell(row['hook_only'])} | {_cell(row['peer_only'])} |",
            file=out,
        )
    print(f"\nAll labelled TP lines (any tool): {len(result['all_tp'])}", file=out)
    print(f"\nLines of code in the scored repositories: {loc}", file=out)
    for group in SECRET_GROUPS:
        fp = stats[group]["FP"] if group in stats else 0
        rate = f"{100_000 * fp / loc:.1f}" if loc else "—"
        print(f"- {group}: {fp} false positive(s), {rate} per 100k lines", file=out)

    returned = [r for r in result["present_fp"] if fp_key(r) in previous_absent]
    print(f"\n## Regressions\n\nLabelled TPs that disappeared: {len(result['lost'])}", file=out)
    for r in result["lost"]:
        print(
            f"- LOST {r['repo']} {r['tool']}/{r['hook']} {r['rule']} {r['path']}:{r['line']}"
            f" {r['detail']} — {r['reason']}",
            file=out,
        )
    print(f"\nLabelled FPs that returned (absent at the last scoring): {len(returned)}", file=out)
    for r in returned:
        print(
            f"- RETURNED {r['repo']} {r['tool']} {r['rule']} {r['path']}:{r['line']}"
            f" — {r['reason']}",
            file=out,
        )
    mine = [r for r in result["present_fp"] if r["tool"] == "mlwarden"]
    print(f"\nLabelled mlwarden FPs still present: {len(mine)}", file=out)
    for r in mine[:show]:
        print(
            f"- FP {r['repo']} {r['hook']} {r['rule']} {r['path']}:{r['line']} — {r['reason']}",
            file=out,
        )
    if len(mine) > show:
        print(f"- … {len(mine) - show} more (--show N)", file=out)
    gone = [r for r in result["absent_fp"] if r["tool"] == "mlwarden"]
    print(f"\nLabelled mlwarden FPs now gone: {len(gone)}", file=out)
    print(f"\nUnlabelled findings (label them): {len(result['unlabelled'])}", file=out)
    for f in result["unlabelled"][:show]:
        print(
            f"- NEW {f['repo']} {f['tool']}/{f['hook']} {f['rule']} {f['path']}:{f['line']}"
            f" {f['detail']} | {f['text'][:100]}",
            file=out,
        )
    if len(result["unlabelled"]) > show:
        print(f"- … {len(result['unlabelled']) - show} more (--show N)", file=out)
    return returned


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--labels", type=Path, default=HERE / "labels")
    parser.add_argument("--repos-file", type=Path, default=HERE / "repos.toml")
    parser.add_argument("--tool", action="append", choices=TOOLS, help="only these tools")
    parser.add_argument("--show", type=int, default=40, help="list at most N of each kind")
    parser.add_argument(
        "--no-state", action="store_true", help="do not read or update last-score.json"
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)

    findings = load_findings(args.cache, args.tool or TOOLS)
    if not findings:
        print(f"no findings under {args.cache}: run bench/realcode/run.py first", file=sys.stderr)
        return 2
    labels = load_labels(args.labels)
    commits = {(r["repo"], r["commit"]) for r in findings}
    stale = {(x.row["repo"], x.row["commit"]) for x in labels} - commits
    for repo, commit in sorted(stale):
        if repo in {r for r, _ in commits}:
            print(
                f"warning: labels of {repo} are for {commit[:12]}, not the scanned commit",
                file=sys.stderr,
            )
    result = score(findings, labels, load_loc(args.repos_file), load_equivalents())
    state = args.cache / "last-score.json"
    previous = set()
    if not args.no_state and state.exists():
        previous = set(json.loads(state.read_text()).get("absent_fp", []))
    print_report(result, sys.stdout, args.show, previous)
    if not args.no_state:
        state.write_text(
            json.dumps({"absent_fp": sorted(fp_key(r) for r in result["absent_fp"])}, indent=0)
            + "\n"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "stats": result["stats"],
                    "loc": result["loc"],
                    "tp_lines": {g: len(v) for g, v in result["tp_lines"].items()},
                    "all_tp_lines": len(result["all_tp"]),
                    "lost": result["lost"],
                    "pairs": result["pairs"],
                },
                indent=1,
                default=dict,
            )
            + "\n"
        )
    return 1 if result["lost"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
