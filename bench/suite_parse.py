"""Pure parts of the suite benchmark: reading each tool's output, and the markdown tables.

Everything here takes text or plain data and returns plain data, so the tests can feed it
tiny inputs without running any tool.
"""

from __future__ import annotations

import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

# The JSON envelope of `mlwarden scan --format json` (version 1).
FindingDict = Mapping[str, Any]


@dataclass(frozen=True)
class ToolFindings:
    """What one run of one tool found: a total, a breakdown, and run errors."""

    total: int
    by_key: Mapping[str, int] = field(default_factory=dict)
    errors: int = 0


def parse_mlwarden_json(text: str) -> tuple[ToolFindings, list[dict[str, Any]]]:
    """Findings per hook (every hook the scan ran is listed, even with 0) and the findings."""
    envelope = json.loads(text)
    findings: list[dict[str, Any]] = list(envelope.get("findings", []))
    counts: Counter[str] = Counter({hook: 0 for hook in envelope.get("tool", {}).get("hooks", [])})
    counts.update(str(f.get("hook", "?")) for f in findings)
    return (
        ToolFindings(len(findings), dict(counts), len(envelope.get("errors", []))),
        findings,
    )


_DS_LOCATION = re.compile(r"^Location:\s+(?P<path>.+):(?P<line>\d+)\s*$", re.MULTILINE)
_DS_TYPE = re.compile(r"^Secret Type:\s+(?P<type>.+?)\s*$", re.MULTILINE)


def parse_detect_secrets_hook(text: str) -> ToolFindings:
    """`detect-secrets-hook` prints one `Secret Type:` / `Location:` pair per secret."""
    types = _DS_TYPE.findall(text)
    locations = _DS_LOCATION.findall(text)
    return ToolFindings(len(locations), dict(Counter(types)))


def parse_bandit_json(text: str) -> ToolFindings:
    report = json.loads(text)
    results = report.get("results", [])
    return ToolFindings(
        len(results),
        dict(Counter(str(r.get("test_id", "?")) for r in results)),
        len(report.get("errors", [])),
    )


def parse_semgrep_json(text: str) -> ToolFindings:
    """semgrep prefixes a rule id with the config's path (`semgrep-rules.x.SG001`): drop it."""
    report = json.loads(text)
    results = report.get("results", [])
    return ToolFindings(
        len(results),
        dict(Counter(str(r.get("check_id", "?")).rsplit(".", 1)[-1] for r in results)),
        len(report.get("errors", [])),
    )


_PC_STATUS = re.compile(r"^(?P<name>.+?)\.{2,}(?:\(.*\))?(?P<status>Passed|Failed|Skipped)\s*$")
_PC_FIELD = re.compile(r"^- (?P<key>hook id|duration|exit code): (?P<value>\S+)\s*$")
# A finding line of mlwarden's text report: `path:line:col: ID [severity] message`.
_FINDING_LINE = re.compile(r"^\S.*?:\d+:\d+: [A-Z][A-Z0-9]*\d+ \[[a-z]+\] ")


@dataclass(frozen=True)
class PreCommitHook:
    name: str
    status: str
    hook_id: str = ""
    findings: int = 0
    seconds: float | None = None
    exit_code: int = 0


def parse_pre_commit_output(text: str) -> list[PreCommitHook]:
    """Each hook of `pre-commit run --verbose --color never`: status, time, findings printed."""
    hooks: list[PreCommitHook] = []
    for line in text.splitlines():
        status = _PC_STATUS.match(line)
        if status:
            hooks.append(PreCommitHook(status["name"].strip(), status["status"]))
            continue
        if not hooks:
            continue
        current = hooks[-1]
        field_match = _PC_FIELD.match(line)
        if field_match:
            key, value = field_match["key"], field_match["value"]
            if key == "hook id":
                hooks[-1] = replace(current, hook_id=value)
            elif key == "duration":
                hooks[-1] = replace(current, seconds=float(value.removesuffix("s")))
            else:
                hooks[-1] = replace(current, exit_code=int(value))
        elif _FINDING_LINE.match(line):
            hooks[-1] = replace(current, findings=current.findings + 1)
    return hooks


def pre_commit_cell(findings: int | None, status: str | None) -> str:
    """A hook that failed without printing one finding broke: say so, never show a clean 0."""
    if findings is None:
        return "—"
    return (
        f"{findings} ({status.lower()})" if status == "Failed" and not findings else str(findings)
    )


def count_by(findings: Sequence[FindingDict], key: str) -> dict[str, int]:
    """Counts of one field, most frequent first (ties by name), for stable listings."""
    counts = Counter(str(f.get(key, "?")) for f in findings)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def sample_findings(
    findings: Sequence[FindingDict], per_hook: int, seed: int
) -> dict[str, list[FindingDict]]:
    """Up to `per_hook` findings of each hook, drawn reproducibly; each hook sorted by place."""
    by_hook: dict[str, list[FindingDict]] = {}
    for finding in findings:
        by_hook.setdefault(str(finding.get("hook", "?")), []).append(finding)
    rng = random.Random(seed)
    sampled: dict[str, list[FindingDict]] = {}
    for hook in sorted(by_hook):
        pool = sorted(by_hook[hook], key=_place)
        picked = pool if len(pool) <= per_hook else rng.sample(pool, per_hook)
        sampled[hook] = sorted(picked, key=_place)
    return sampled


def _place(finding: FindingDict) -> tuple[str, str, int, int, str]:
    return (
        str(finding.get("tree", "")),
        str(finding.get("path", "")),
        int(finding.get("line") or 0),
        int(finding.get("column") or 0),
        str(finding.get("rule_id", "")),
    )


def source_line(lines: Sequence[str], line: int | None) -> str:
    """The 1-based line, stripped and shortened for a one-line review listing."""
    if not line or line < 1 or line > len(lines):
        return ""
    text = lines[line - 1].strip()
    return text if len(text) <= 160 else text[:157] + "..."


# --- tables -------------------------------------------------------------------------------


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table; the first column left-aligned, the others right-aligned."""
    align = [":---"] + ["---:"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(out) + "\n"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def fmt_seconds(value: float | None) -> str:
    if value is None or value != value:  # None or NaN: the tool did not run
        return "—"
    return f"{value:.1f} s" if value >= 10 else f"{value:.2f} s"


def fmt_mb(kib: int | None) -> str:
    return "—" if not kib else f"{kib / 1024:.0f} MB"


def fmt_ratio(value: float | None, target: float) -> str:
    if value is None or value != value:
        return "—"
    mark = "✓" if value <= target else "✗"
    return f"{value:.2f} {mark}"


# Column order of the tools in the tables; the first two are mlwarden, the others its peers.
MLWARDEN_TOOLS = ("mlwarden-scan", "pre-commit")
PEER_TOOLS = ("detect-secrets", "bandit", "semgrep")
TOOL_TITLES = {
    "mlwarden-scan": "mlwarden scan",
    "pre-commit": "pre-commit (mlwarden hooks)",
    "detect-secrets": "detect-secrets-hook",
    "bandit": "bandit -r",
    "semgrep": "semgrep",
}


def peers_sum(seconds: Mapping[str, float | None]) -> float | None:
    """The peers' times added up; None unless every peer ran (a partial sum would flatter us)."""
    values = [seconds.get(tool) for tool in PEER_TOOLS]
    if any(v is None or v != v for v in values):
        return None
    return float(sum(v for v in values if v is not None))


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None or ours != ours or not theirs:
        return None
    return ours / theirs


def time_table(trees: Sequence[Mapping[str, Any]], target: float) -> str:
    header = [
        "tree",
        "files",
        ".py",
        "runs",
        *(TOOL_TITLES[t] for t in (*MLWARDEN_TOOLS, *PEER_TOOLS)),
        "peers sum",
        f"scan / peers (≤ {target})",
        f"pre-commit / peers (≤ {target})",
    ]
    rows = []
    for tree in trees:
        seconds: Mapping[str, float | None] = {
            tool: run.get("median_seconds") for tool, run in tree["tools"].items()
        }
        total = peers_sum(seconds)
        rows.append(
            [
                str(tree["name"]),
                str(tree.get("files", "")),
                str(tree.get("py_files", "")),
                str(tree.get("repeat", "")),
                *(fmt_seconds(seconds.get(t)) for t in (*MLWARDEN_TOOLS, *PEER_TOOLS)),
                fmt_seconds(total),
                fmt_ratio(ratio(seconds.get("mlwarden-scan"), total), target),
                fmt_ratio(ratio(seconds.get("pre-commit"), total), target),
            ]
        )
    return markdown_table(header, rows)


def memory_table(trees: Sequence[Mapping[str, Any]]) -> str:
    tools = (*MLWARDEN_TOOLS, *PEER_TOOLS)
    header = ["tree", *(TOOL_TITLES[t] for t in tools), "peers max"]
    rows = []
    for tree in trees:
        peaks = {tool: run.get("peak_rss_kib") for tool, run in tree["tools"].items()}
        peer_peaks = [peaks.get(t) or 0 for t in PEER_TOOLS]
        rows.append(
            [
                str(tree["name"]),
                *(fmt_mb(peaks.get(t)) for t in tools),
                fmt_mb(max(peer_peaks) if peer_peaks else None),
            ]
        )
    return markdown_table(header, rows)


def findings_table(trees: Sequence[Mapping[str, Any]]) -> str:
    """mlwarden findings per hook (`scan` / `pre-commit` when both ran), then the peers'."""
    hooks: list[str] = []
    for tree in trees:
        for hook in tree["tools"].get("mlwarden-scan", {}).get("findings", {}).get("by_key", {}):
            if hook not in hooks:
                hooks.append(hook)
    header = ["tree", *(f"mlwarden {h}" for h in hooks), "mlwarden errors", *PEER_TOOLS]
    rows = []
    for tree in trees:
        tools = tree["tools"]
        scan = tools.get("mlwarden-scan", {}).get("findings") or {}
        by_hook = scan.get("by_key", {})
        pre_commit = tools.get("pre-commit", {}).get("per_hook") or {}
        statuses = tools.get("pre-commit", {}).get("status") or {}
        cells = []
        for hook in hooks:
            cell = str(by_hook.get(hook, "—"))
            if f"mlwarden-{hook}" in pre_commit:
                hook_id = f"mlwarden-{hook}"
                cell += f" / {pre_commit_cell(pre_commit[hook_id], statuses.get(hook_id))}"
            cells.append(cell)
        peer_cells = []
        for tool in PEER_TOOLS:
            found = tools.get(tool, {}).get("findings")
            peer_cells.append("—" if found is None else str(found.get("total", "—")))
        rows.append(
            [str(tree["name"]), *cells, str(scan.get("errors", "—")) if scan else "—", *peer_cells]
        )
    return markdown_table(header, rows)


def hook_time_table(trees: Sequence[Mapping[str, Any]]) -> str:
    """Each mlwarden hook's own time inside pre-commit (its `--verbose` durations, last run)."""
    hooks: list[str] = []
    for tree in trees:
        for hook in tree["tools"].get("pre-commit", {}).get("hook_seconds") or {}:
            if hook not in hooks:
                hooks.append(hook)
    rows = []
    for tree in trees:
        seconds = tree["tools"].get("pre-commit", {}).get("hook_seconds") or {}
        rows.append([str(tree["name"]), *(fmt_seconds(seconds.get(h)) for h in hooks)])
    return markdown_table(["tree", *hooks], rows)


def report_markdown(results: Mapping[str, Any]) -> str:
    trees = results.get("trees", [])
    target = float(results.get("target_ratio", 0.7))
    repeat = results.get("repeat", "?")
    parts = [
        f"### Wall time (median of {repeat} runs; `runs` per tree)\n",
        time_table(trees, target),
        "\n### Peak memory (resident set, largest of the runs; process tree)\n",
        memory_table(trees),
        "\n### Findings (mlwarden: `scan` / `pre-commit` per hook; peers: total)\n",
        findings_table(trees),
    ]
    if any(t["tools"].get("pre-commit", {}).get("hook_seconds") for t in trees):
        parts += ["\n### Time of each hook inside pre-commit (last run)\n", hook_time_table(trees)]
    machine = results.get("machine")
    if machine:
        parts.append(
            f"\nMachine: {machine.get('cpus', '?')} CPUs, load average "
            f"{machine.get('load_before', '?')} before and {machine.get('load_after', '?')} "
            f"after (1-minute averages); mlwarden {results.get('mlwarden_version', '?')}, "
            f"hooks: {', '.join(results.get('hooks', []))}.\n"
        )
    skipped = results.get("skipped") or []
    if skipped:
        parts.append("\nSkipped: " + "; ".join(f"{s['package']} ({s['reason']})" for s in skipped))
        parts.append("\n")
    return "".join(parts)
