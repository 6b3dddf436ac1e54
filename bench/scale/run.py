"""mlwarden at scale (issue 18): cache, cores and tree size, on a real ≥300k-line ML tree.

    .venv/bin/python bench/scale/run.py --snapshot keras=/path/to/keras/.git
    .venv/bin/python bench/scale/run.py --snapshot keras=... --repeat 1 --only scenarios
    .venv/bin/python bench/scale/run.py --report bench/scale/results/scale-<time>.json

Builds the pinned tree of `trees.toml` as a one-commit repository, then, in `--repeat`
interleaved rounds: `mlwarden scan` cold (`mlwarden cache clear` first), warm unchanged,
one .py file changed and 1% of the files changed, each with `--jobs 1`, `--jobs 2` and the
default (every core); `pre-commit run --all-files` with mlwarden's hooks as `repo: local`
entries (cold and warm); and the peers a team would run instead, each on its own:
`detect-secrets scan`, `bandit -r .`, plain `semgrep scan --config <the pack>`. Then the
cold scan of prefixes of the tree (about 10k, 30k, 100k, 300k lines) for the growth plot.
Every run: wall time, user+sys of the whole process tree, peak RSS, load (see measure.py).

mlwarden's cache is keyed by the hash of mlwarden's own code, so on a checkout others are
editing, a "warm" run is silently cold. By default the mlwarden checkout's HEAD is frozen
(`git archive` into the work folder) and every mlwarden process imports that copy
(PYTHONPATH); `--freeze head` leaves the uncommitted changes out, `--freeze none` runs the
live tree, and each run records how many cache entries
it wrote, so an invalidated warm run shows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import measure  # noqa: E402
import scenarios  # noqa: E402
import tables  # noqa: E402
import tree  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--tree", default="keras", help="a table of trees.toml")
    p.add_argument("--snapshot", action="append", default=[], metavar="NAME=GIT_DIR")
    p.add_argument("--work", type=Path, default=HERE / ".work", help="trees, caches, logs")
    p.add_argument("--results", type=Path, default=HERE / "results")
    p.add_argument("--mlwarden", type=Path, default=Path("/work/main/.venv/bin/mlwarden"))
    p.add_argument("--bin-dir", type=Path, help="peers' bin/ (default: mlwarden's)")
    p.add_argument("--mlwarden-repo", type=Path, default=HERE.parent.parent, help="to freeze")
    p.add_argument(
        "--freeze",
        choices=("worktree", "head", "none"),
        default="worktree",
        help="run a copy of mlwarden's checkout as it is now (worktree: with uncommitted "
        "changes) or at HEAD; none: the live checkout (warm runs may turn cold)",
    )
    p.add_argument("--frozen", type=Path, help="reuse this frozen copy (.work/mlwarden-*)")
    p.add_argument("--semgrep-rules", type=Path, help="plain semgrep's config (default: the pack)")
    p.add_argument("--repeat", type=int, default=3, help="interleaved rounds (medians)")
    p.add_argument("--jobs", default="1,2,default", help="mlwarden --jobs settings")
    p.add_argument("--growth", default="10000,30000,100000,300000", help="prefix sizes (lines)")
    p.add_argument("--growth-repeat", type=int, default=3)
    p.add_argument(
        "--growth-peers", type=int, default=0, metavar="N", help="peers on each prefix, N rounds"
    )
    p.add_argument(
        "--only",
        action="append",
        choices=("scenarios", "hooks", "pre-commit", "peers", "growth"),
        help="run only these sections (repeatable)",
    )
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--rebuild", action="store_true", help="build the trees again")
    p.add_argument("--report", nargs="+", type=Path, metavar="RESULTS_JSON", help="tables only")
    return p


Frozen = tuple[Path, dict[str, str]]
FROZEN_PATHS = ("src", "semgrep-rules", "hooks", ".pre-commit-hooks.yaml", "pyproject.toml")


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True).stdout


def freeze(repo: Path, work: Path, what: str) -> Frozen:
    """A copy of mlwarden that nobody edits while we measure, in `work/mlwarden-<id>`:
    the source, rule pack and manifest at HEAD (`head`), or as they are on disk now,
    uncommitted and untracked files included (`worktree`: what the venv's mlwarden runs
    right now; `worktree.patch` beside it records the difference to HEAD)."""
    sha = _git(repo, "rev-parse", "HEAD").decode().strip()
    if what == "head":
        dest = work / f"mlwarden-{sha[:12]}"
        if not (dest / "src" / "mlwarden").is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            archive = _git(repo, "archive", "--format=tar", sha, "--", *FROZEN_PATHS)
            subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return dest, {"commit": sha, "freeze": what, "copy": str(dest)}
    listing = _git(repo, "ls-files", "-z", "-co", "--exclude-standard", "--", *FROZEN_PATHS)
    files = {p: (repo / p).read_bytes() for p in sorted(listing.decode().split("\0")) if p}
    files = {p: data for p, data in files.items() if (repo / p).is_file()}
    digest = hashlib.sha256()
    for path, data in files.items():
        digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    content = digest.hexdigest()[:12]
    dest = work / f"mlwarden-{sha[:12]}-{content}"
    if not (dest / "src" / "mlwarden").is_dir():
        for path, data in files.items():
            (dest / path).parent.mkdir(parents=True, exist_ok=True)
            (dest / path).write_bytes(data)
        (dest / "worktree.patch").write_bytes(
            _git(repo, "diff", "--binary", "HEAD", "--", *FROZEN_PATHS)
        )
    return dest, {"commit": sha, "freeze": what, "content": content, "copy": str(dest)}


def imports(src: Path) -> str | None:
    """None when every hook of the copy imports, else the error (a file caught mid-edit)."""
    check = "import mlwarden.core.hooks as h; [h.load_hook(n) for n in h.HOOK_MODULES]"
    proc = subprocess.run(
        [sys.executable, "-c", check],
        env={**os.environ, "PYTHONPATH": str(src / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    return None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["?"])[-1]


def freeze_working(
    repo: Path, work: Path, what: str, tries: int = 20
) -> tuple[Path, dict[str, str]]:
    """`freeze`, again after a pause while the copy does not import: others edit the
    checkout, and a copy taken between two of their saves can be broken."""
    for attempt in range(tries):
        dest, info = freeze(repo, work, what)
        problem = imports(dest)
        if problem is None:
            return dest, info
        print(f"[scale] frozen copy does not import ({problem}); retrying", file=sys.stderr)
        shutil.rmtree(dest, ignore_errors=True)
        time.sleep(30 if attempt < tries - 1 else 0)
    raise SystemExit(f"no importable copy of {repo} after {tries} tries")


def versions(bin_dir: Path, env: dict[str, str]) -> dict[str, str]:
    found = {}
    for tool, args in {
        "mlwarden": ["--version"],
        "detect-secrets": ["--version"],
        "bandit": ["--version"],
        "semgrep": ["--version"],
        "pre-commit": ["--version"],
    }.items():
        out = subprocess.run(
            [str(bin_dir / tool), *args], capture_output=True, text=True, env=env, check=False
        )
        found[tool] = (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout else "?"
    return found


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)),
        "cpu": model,
        "mem_gib": round(int(mem) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.report:
        merged = tables.load(args.report)
        print(tables.render(merged))
        return 0
    measure.become_subreaper()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    bin_dir = (args.bin_dir or args.mlwarden.parent).resolve()
    pin = tree.load_pins(HERE / "trees.toml")[args.tree]
    snapshots = dict(s.split("=", 1) for s in args.snapshot)
    if args.frozen:
        mlwarden_src = args.frozen.resolve()
        _, sha, *content = mlwarden_src.name.split("-")
        frozen = {"commit": sha, "freeze": "reused", "copy": str(mlwarden_src)}
        frozen |= {"content": content[0]} if content else {}
    elif args.freeze == "none":
        mlwarden_src, frozen = None, {"commit": "live", "freeze": "none"}
    else:
        mlwarden_src, frozen = freeze_working(args.mlwarden_repo, work, args.freeze)
    bench = scenarios.Bench(
        work=work,
        bin_dir=bin_dir,
        mlwarden=args.mlwarden,
        mlwarden_src=mlwarden_src,
        manifest=(mlwarden_src or args.mlwarden_repo) / ".pre-commit-hooks.yaml",
        semgrep_rules=args.semgrep_rules or (mlwarden_src or args.mlwarden_repo) / "semgrep-rules",
        timeout=args.timeout,
        logs=work / "logs" / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
    )
    root = work / "trees" / pin.name
    if args.rebuild or not (root / ".git").is_dir():
        if pin.name not in snapshots:
            print(f"--snapshot {pin.name}=GIT_DIR is needed to build the tree", file=sys.stderr)
            return 2
        print(f"[scale] building {pin.name} at {pin.commit[:12]} ...", file=sys.stderr)
        tree.build(pin, Path(snapshots[pin.name]), root, bench.precommit_config())
    files = tree.tracked(root)
    results: dict[str, Any] = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "tree": {
            "name": pin.name,
            "repository": pin.repository,
            "commit": pin.commit,
            "files": len(files),
            "lines": tree.count_lines(root, files),
        },
        "mlwarden": frozen,
        "versions": versions(bin_dir, bench.env(mlwarden=True)),
        "uptime_before": Path("/proc/loadavg").read_text().strip(),
        "runs": [],
    }
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"scale-{results['started'].replace(':', '')}.json"

    def save() -> None:
        results["uptime_after"] = Path("/proc/loadavg").read_text().strip()
        out.write_text(json.dumps(results, indent=1), encoding="utf-8")

    sections = set(args.only or ("scenarios", "hooks", "pre-commit", "peers", "growth"))
    jobs = [j.strip() for j in args.jobs.split(",")]
    bench.warm_up(root)
    began = time.monotonic()
    for round_ in range(1, args.repeat + 1):
        for run in bench.round(root, round_, jobs, sections):
            results["runs"].append(run)
            print(tables.progress_line(run), file=sys.stderr, flush=True)
            save()
    if "growth" in sections:
        sizes = [int(s) for s in args.growth.split(",") if s]
        for run in bench.growth(root, sizes, args.growth_repeat, args.growth_peers):
            results["runs"].append(run)
            print(tables.progress_line(run), file=sys.stderr, flush=True)
            save()
    results["seconds"] = round(time.monotonic() - began)
    save()
    print(tables.render([results]))
    print(f"\n[scale] results: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
