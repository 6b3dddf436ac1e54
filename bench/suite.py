"""The whole mlwarden suite against its peers, on real ML code (issue 9).

    .venv/bin/python bench/suite.py                          # every default package, 3 runs
    .venv/bin/python bench/suite.py --packages accelerate --repeat 1
    .venv/bin/python bench/suite.py --sample 30 --seed 1     # findings to classify by hand

Each package's sdist (or wheel) is fetched once with pip into bench/.cache/, unpacked into a
one-commit git repository, and then, interleaved so that a load spike hits every tool alike,
run `--repeat` times each: `mlwarden scan --format json`, `pre-commit run --all-files` with
every mlwarden hook, and the peers a team would otherwise run, each on its own:
`detect-secrets-hook` over the tracked files, `bandit -r .` and `semgrep --config
semgrep-rules/`. The markdown tables go to stdout and, with every run's raw numbers, to
bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import suite_corpus
import suite_parse
import suite_precommit
from suite_measure import Measurement, measure

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOOLS = (*suite_parse.MLWARDEN_TOOLS, *suite_parse.PEER_TOOLS)
# Exit codes that mean "ran to the end" (1: found something).
OK_CODES = frozenset({0, 1})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--packages",
        nargs="+",
        default=list(suite_corpus.DEFAULT_PACKAGES),
        metavar="SPEC",
        help="pip requirement specs (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (median)")
    parser.add_argument("--skip", action="append", default=[], choices=TOOLS, help="skip a tool")
    parser.add_argument(
        "--hook", action="append", default=[], help="only this mlwarden hook (repeatable)"
    )
    parser.add_argument(
        "--pre-commit",
        dest="pre_commit_mode",
        choices=("local", "remote"),
        default="local",
        help="local: the manifest's hooks on the installed scripts; remote: repo+rev",
    )
    parser.add_argument("--cache", type=Path, default=HERE / ".cache", help="downloads, trees")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="JSON/markdown")
    parser.add_argument("--mlwarden-repo", type=Path, default=REPO, help="manifest, rule pack")
    parser.add_argument(
        "--bin-dir", type=Path, default=Path(sys.executable).parent, help="tools' venv bin/"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--target", type=float, default=0.7, help="goal: ours / peers")
    parser.add_argument("--refresh", action="store_true", help="download the packages again")
    parser.add_argument(
        "--sample", type=int, metavar="N", help="print N random findings per hook, no timing"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument(
        "--saved-scans",
        action="store_true",
        help="--sample: use bench/results/scan-<tree>.json of the last benchmark, if any",
    )
    parser.add_argument(
        "--report",
        nargs="+",
        type=Path,
        metavar="RESULTS_JSON",
        help="print the tables of saved results again, merged in order (no run)",
    )
    return parser


def tool_env(args: argparse.Namespace) -> dict[str, str]:
    """The caller's environment without git/pre-commit state, every tool offline and plain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        PRE_COMMIT_HOME=str((args.cache / "pre-commit").resolve()),
        PATH=f"{args.bin_dir}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def prepare_trees(
    args: argparse.Namespace,
) -> tuple[list[suite_corpus.Tree], list[dict[str, str]]]:
    suite_corpus.ensure_cache(args.cache)
    trees, skipped = [], []
    for spec in args.packages:
        try:
            print(f"[suite] fetching {spec} ...", file=sys.stderr, flush=True)
            archive = suite_corpus.download(spec, args.cache, refresh=args.refresh)
            tree = suite_corpus.make_git_tree(archive, args.cache / "trees")
        except suite_corpus.CorpusError as exc:
            print(f"[suite] skipping {spec}: {exc}", file=sys.stderr, flush=True)
            skipped.append({"package": spec, "reason": str(exc)})
            continue
        print(
            f"[suite] {tree.name}: {tree.files} files, {tree.py_files} .py ({tree.py_lines} lines)",
            file=sys.stderr,
            flush=True,
        )
        trees.append(tree)
    return trees, skipped


def hook_modules() -> dict[str, str]:
    from mlwarden.core.hooks import HOOK_MODULES

    return dict(HOOK_MODULES)


def pre_commit_config(args: argparse.Namespace) -> str:
    manifest = suite_precommit.load_manifest(args.mlwarden_repo / ".pre-commit-hooks.yaml")
    if args.pre_commit_mode == "remote":
        if manifest is None:
            raise SystemExit("--pre-commit remote needs the mlwarden repo's .pre-commit-hooks.yaml")
        rev = suite_corpus.head_sha(args.mlwarden_repo)
        return suite_precommit.remote_config(
            str(args.mlwarden_repo.resolve()), rev, manifest, hook_modules()
        )
    if manifest is None:
        print(
            "[suite] no .pre-commit-hooks.yaml yet: pre-commit runs one local entry per hook",
            file=sys.stderr,
        )
    modules = hook_modules()
    if manifest is None:  # a git-state hook's arguments cannot be guessed without it
        modules = {name: modules[name] for name in _file_hooks()}
    hooks = suite_precommit.local_hooks(
        manifest, modules, args.bin_dir, str(args.bin_dir / "python")
    )
    if args.hook:
        hooks = [h for h in hooks if str(h["id"]).removeprefix("mlwarden-") in args.hook]
    return suite_precommit.local_config(hooks)


def commands(
    args: argparse.Namespace, tree: suite_corpus.Tree, config_path: Path
) -> dict[str, list[str]]:
    bin_dir = args.bin_dir
    hooks = [part for hook in args.hook for part in ("--hook", hook)]
    rules = args.mlwarden_repo.resolve() / "semgrep-rules"
    all_commands = {
        "mlwarden-scan": [str(bin_dir / "mlwarden"), "scan", "--format", "json", *hooks],
        "pre-commit": [
            str(bin_dir / "pre-commit"),
            "run",
            "--all-files",
            "--verbose",
            "--color",
            "never",
            "--config",
            str(config_path),
        ],
        "detect-secrets": [
            str(bin_dir / "detect-secrets-hook"),
            *suite_corpus.tracked_files(tree.path),
        ],
        "bandit": [str(bin_dir / "bandit"), "-r", ".", "-f", "json", "-q"],
        "semgrep": [
            str(bin_dir / "semgrep"),
            "scan",
            "--metrics=off",
            "--config",
            str(rules),
            "--json",
            "--quiet",
        ],
    }
    return {tool: cmd for tool, cmd in all_commands.items() if tool not in args.skip}


def parse_output(tool: str, stdout: str) -> dict[str, Any]:
    """Findings of one run as plain data (`per_hook` for pre-commit)."""
    if tool == "mlwarden-scan":
        found, findings = suite_parse.parse_mlwarden_json(stdout)
        by_rule = suite_parse.count_by(findings, "rule_id")
        return {
            "findings": {
                "total": found.total,
                "by_key": dict(found.by_key),
                "errors": found.errors,
            },
            "by_rule": by_rule,
        }
    elif tool == "pre-commit":
        hooks = suite_parse.parse_pre_commit_output(stdout)
        return {
            "per_hook": {h.hook_id or h.name: h.findings for h in hooks},
            "status": {h.hook_id or h.name: h.status for h in hooks},
            "hook_seconds": {h.hook_id or h.name: h.seconds for h in hooks},
        }
    elif tool == "detect-secrets":
        found = suite_parse.parse_detect_secrets_hook(stdout)
    elif tool == "bandit":
        found = suite_parse.parse_bandit_json(stdout)
    else:
        found = suite_parse.parse_semgrep_json(stdout)
    return {
        "findings": {"total": found.total, "by_key": dict(found.by_key), "errors": found.errors}
    }


def bench_tree(
    args: argparse.Namespace, tree: suite_corpus.Tree, config_text: str, work: Path
) -> dict[str, Any]:
    env = tool_env(args)
    config_path = work / f"{tree.name}.pre-commit-config.yaml"
    config_path.write_text(config_text, encoding="utf-8")
    cmds = commands(args, tree, config_path)
    if "pre-commit" in cmds and args.pre_commit_mode == "remote":
        print(f"[suite] {tree.name}: pre-commit warm-up (builds its env)", file=sys.stderr)
        measure(
            cmds["pre-commit"],
            cwd=tree.path,
            env=env,
            stdout=work / "warmup.out",
            stderr=work / "warmup.err",
            timeout=args.timeout,
        )
    runs: dict[str, list[Measurement]] = {tool: [] for tool in cmds}
    loads: dict[str, list[float]] = {tool: [] for tool in cmds}  # 1-minute load at each start
    result: dict[str, Any] = {
        "name": tree.name,
        "archive": tree.archive,
        "files": tree.files,
        "py_files": tree.py_files,
        "py_lines": tree.py_lines,
        "repeat": args.repeat,
        "load_before": round(os.getloadavg()[0], 2),
        "tools": {},
    }
    failures: dict[str, str] = {}
    for rep in range(args.repeat):
        for tool, cmd in cmds.items():
            if tool in failures:
                continue
            out, err = work / f"{tree.name}.{tool}.out", work / f"{tree.name}.{tool}.err"
            loads[tool].append(round(os.getloadavg()[0], 2))
            m = measure(cmd, cwd=tree.path, env=env, stdout=out, stderr=err, timeout=args.timeout)
            runs[tool].append(m)
            print(
                f"[suite] {tree.name} run {rep + 1}/{args.repeat} {tool}: {m.seconds:.1f} s, "
                f"{m.peak_rss_kib // 1024} MB, exit {m.returncode}",
                file=sys.stderr,
                flush=True,
            )
            if m.timed_out or m.returncode not in OK_CODES:
                tail = err.read_text(errors="replace").strip().splitlines()[-3:]
                why = "timed out" if m.timed_out else f"exit {m.returncode}"
                failures[tool] = f"{why}: {' / '.join(tail)}"
                print(f"[suite] {tool} failed on {tree.name}: {failures[tool]}", file=sys.stderr)
            elif rep == args.repeat - 1:
                stdout = out.read_text(encoding="utf-8", errors="replace")
                result["tools"].setdefault(tool, {}).update(parse_output(tool, stdout))
                if tool == "mlwarden-scan":
                    (args.results / f"scan-{tree.name}.json").write_text(stdout, encoding="utf-8")
    for tool, cmd in cmds.items():
        entry = result["tools"].setdefault(tool, {})
        entry["command"] = _short_command(cmd)
        entry["runs"] = [
            {
                "seconds": round(m.seconds, 3),
                "returncode": m.returncode,
                "max_rss_kib": m.max_rss_kib,
                "tree_rss_kib": m.tree_rss_kib,
                "timed_out": m.timed_out,
                "load_at_start": load,
            }
            for m, load in zip(runs[tool], loads[tool], strict=True)
        ]
        if tool in failures:
            entry["failed"] = failures[tool]
            entry["median_seconds"] = None
            entry["peak_rss_kib"] = None
        else:
            entry["median_seconds"] = round(suite_parse.median([m.seconds for m in runs[tool]]), 3)
            entry["peak_rss_kib"] = max(m.peak_rss_kib for m in runs[tool])
    result["load_after"] = round(os.getloadavg()[0], 2)
    return result


def _short_command(cmd: Sequence[str]) -> list[str]:
    """The command as recorded: detect-secrets' thousands of file arguments summarised."""
    if len(cmd) > 12:
        return [*cmd[:4], f"... ({len(cmd) - 4} more arguments)"]
    return list(cmd)


def run_benchmark(args: argparse.Namespace) -> int:
    from mlwarden import __version__

    args.results.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    load_before = round(os.getloadavg()[0], 2)
    trees, skipped = prepare_trees(args)
    if not trees:
        print("[suite] no package could be prepared", file=sys.stderr)
        return 2
    config_text = pre_commit_config(args) if "pre-commit" not in args.skip else ""
    results: dict[str, Any] = {
        "version": 1,
        "started": started.isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "target_ratio": args.target,
        "mlwarden_version": __version__,
        "hooks": args.hook or list(_file_hooks()),
        "pre_commit_mode": args.pre_commit_mode,
        "pre_commit_config": config_text,
        "trees": [],
        "skipped": skipped,
    }
    with tempfile.TemporaryDirectory(prefix="mlwarden-suite-") as tmp:
        for tree in trees:
            results["trees"].append(bench_tree(args, tree, config_text, Path(tmp)))
    results["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results["machine"] = {
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
    }
    markdown = suite_parse.report_markdown(results)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (args.results / f"suite-{stamp}.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    (args.results / f"suite-{stamp}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    print(f"[suite] results in {args.results / f'suite-{stamp}.json'}", file=sys.stderr)
    return 0


def _file_hooks() -> tuple[str, ...]:
    from mlwarden.core.hooks import file_hook_names

    return tuple(str(name) for name in file_hook_names())


def run_sample(args: argparse.Namespace) -> int:
    """One untimed `mlwarden scan` per tree, then N findings per hook with their source line."""
    args.results.mkdir(parents=True, exist_ok=True)
    trees, _ = prepare_trees(args)
    env = tool_env(args)
    pooled: list[dict[str, Any]] = []
    sources: dict[tuple[str, str], list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="mlwarden-sample-") as tmp:
        for tree in trees:
            saved = args.results / f"scan-{tree.name}.json"
            if args.saved_scans and saved.is_file():
                print(f"[suite] {tree.name}: findings of {saved.name}", file=sys.stderr)
                output = saved.read_text(encoding="utf-8")
            else:
                cmd = commands(args, tree, Path(tmp) / "unused.yaml")["mlwarden-scan"]
                out, err = Path(tmp) / "scan.out", Path(tmp) / "scan.err"
                m = measure(
                    cmd, cwd=tree.path, env=env, stdout=out, stderr=err, timeout=args.timeout
                )
                if m.returncode not in OK_CODES:
                    print(
                        f"[suite] scan failed on {tree.name}: exit {m.returncode}", file=sys.stderr
                    )
                    continue
                output = out.read_text(encoding="utf-8")
            _, findings = suite_parse.parse_mlwarden_json(output)
            if args.hook:
                findings = [f for f in findings if f.get("hook") in args.hook]
            for finding in findings:
                finding["tree"] = tree.name
                key = (tree.name, str(finding.get("path")))
                if key not in sources:
                    sources[key] = _read_lines(tree.path / str(finding.get("path")))
            pooled.extend(findings)
    text = render_sample(pooled, sources, args.sample, args.seed)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    (args.results / f"sample-{stamp}-seed{args.seed}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def render_sample(
    findings: Sequence[Mapping[str, Any]],
    sources: Mapping[tuple[str, str], Sequence[str]],
    per_hook: int,
    seed: int,
) -> str:
    totals = suite_parse.count_by(findings, "hook")
    out = [f"# Precision sample: {per_hook} findings per hook, seed {seed}\n"]
    for hook, picked in suite_parse.sample_findings(findings, per_hook, seed).items():
        rules = suite_parse.count_by([f for f in findings if f.get("hook") == hook], "rule_id")
        breakdown = ", ".join(f"{rule} {n}" for rule, n in rules.items())
        out.append(
            f"\n## {hook}: {len(picked)} of {totals[hook]} findings\n\nBy rule: {breakdown}\n\n"
        )
        for n, f in enumerate(picked, 1):
            lines = sources.get((str(f.get("tree")), str(f.get("path"))), [])
            line = f.get("line")
            out.append(
                f"{n}. `{f.get('rule_id')}` [{f.get('severity')}/{f.get('confidence')}] "
                f"{f.get('tree')}: `{f.get('path')}:{line}`: {f.get('message')}\n"
                f"   > `{suite_parse.source_line(lines, line if isinstance(line, int) else None)}`"
                "\n   verdict: \n"
            )
    return "".join(out)


def merge_results(documents: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Several runs' results as one, in order: a later run of a tool on a tree replaces the
    earlier one (so a slow tree's peers and mlwarden can be measured in separate runs)."""
    merged = dict(documents[0])
    trees: dict[str, dict[str, Any]] = {}
    for document in documents:
        for tree in document.get("trees", []):
            known = trees.get(tree["name"])
            if known is None:
                trees[tree["name"]] = {**tree, "tools": dict(tree["tools"])}
            else:
                known["tools"].update(tree["tools"])
                known["repeat"] = _joined(known.get("repeat"), tree.get("repeat"))
    merged["trees"] = list(trees.values())
    merged["skipped"] = [s for d in documents for s in d.get("skipped", [])]
    merged["repeat"] = _joined(*(d.get("repeat") for d in documents))
    loads = [d.get("machine", {}) for d in documents]
    merged["machine"] = {
        "cpus": loads[0].get("cpus"),
        "load_before": loads[0].get("load_before"),
        "load_after": loads[-1].get("load_after"),
    }
    return merged


def _joined(*values: object) -> str:
    return " or ".join(sorted({str(v) for v in values if v is not None}))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.report:
        documents = [json.loads(path.read_text(encoding="utf-8")) for path in args.report]
        print(suite_parse.report_markdown(merge_results(documents)))
        return 0
    args.cache = args.cache.resolve()
    args.results = args.results.resolve()
    started = time.perf_counter()
    code = run_sample(args) if args.sample else run_benchmark(args)
    print(f"[suite] done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
