"""What the scale benchmark runs, in which order, with which environment."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import measure
import tree

import suite_precommit  # bench/: the manifest's entries as `repo: local` hooks

CACHE_FOLDER = ".mlwarden_cache"
PEERS = ("detect-secrets", "bandit", "semgrep")
FILE_HOOKS = ("secrets", "semgrep", "bandit", "models", "pins", "config-guard")
Record = dict[str, Any]


@dataclass
class Bench:
    work: Path
    bin_dir: Path
    mlwarden: Path
    mlwarden_src: Path | None  # the frozen checkout every mlwarden process imports
    manifest: Path
    semgrep_rules: Path
    timeout: float
    logs: Path

    def env(self, *, mlwarden: bool) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
        env.pop("PYTHONPATH", None)
        env.update(
            SEMGREP_ENABLE_VERSION_CHECK="0",
            SEMGREP_SEND_METRICS="off",
            NO_COLOR="1",
            PRE_COMMIT_COLOR="never",
            PRE_COMMIT_HOME=str(self.work / "pre-commit-home"),
            PATH=f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}",
        )
        if mlwarden and self.mlwarden_src is not None:
            env["PYTHONPATH"] = str(self.mlwarden_src / "src")
        return env

    def precommit_config(self) -> str:
        """Every commit-stage hook of the manifest, calling the installed console scripts."""
        manifest = suite_precommit.load_manifest(self.manifest)
        names = {str(e["entry"]).split()[0].removeprefix("mlwarden-") for e in manifest or []}
        modules = dict.fromkeys(names, "mlwarden.entrypoints")
        hooks = suite_precommit.local_hooks(
            manifest, modules, self.bin_dir, str(self.bin_dir / "python")
        )
        return suite_precommit.local_config(hooks)

    # -- one timed run -------------------------------------------------------------------

    def _timed(self, name: str, command: Sequence[str], root: Path, *, mlwarden: bool) -> Record:
        self.logs.mkdir(parents=True, exist_ok=True)
        before = cache_entries(root)
        run = measure.measure(
            command,
            cwd=root,
            env=self.env(mlwarden=mlwarden),
            log=self.logs / name,
            timeout=self.timeout,
        )
        return {**run.as_dict(), "entries_written": cache_entries(root) - before}

    def scan(self, root: Path, name: str, flags: Sequence[str] = ()) -> Record:
        output = self.logs / f"{name}.json"
        command = [str(self.mlwarden), "scan", "--format", "json", "--no-progress"]
        record = self._timed(name, [*command, "-o", str(output), *flags], root, mlwarden=True)
        record["findings"] = findings(output)
        record["output"] = str(output)
        return record

    def clear_cache(self, root: Path) -> None:
        subprocess.run(
            [str(self.mlwarden), "cache", "clear"],
            cwd=root,
            env=self.env(mlwarden=True),
            capture_output=True,
            check=True,
        )

    def peer(self, tool: str, root: Path, name: str) -> Record:
        out = self.logs / f"{name}.json"
        command = {
            "detect-secrets": [str(self.bin_dir / "detect-secrets"), "scan"],
            "bandit": [str(self.bin_dir / "bandit"), "-r", ".", "-f", "json", "-o", str(out)],
            "semgrep": [
                *[str(self.bin_dir / "semgrep"), "scan", "--config", str(self.semgrep_rules)],
                *["--metrics=off", "--json", "-o", str(out)],
            ],
        }[tool]
        record = self._timed(name, command, root, mlwarden=False)
        if tool == "detect-secrets":
            out = self.logs / f"{name}.out"
        record["findings"] = peer_findings(tool, out)
        if tool == "semgrep":
            record["scanned"] = semgrep_scanned(out)
        return record

    # -- sections ------------------------------------------------------------------------

    def warm_up(self, root: Path) -> None:
        """Untimed: compile the frozen checkout's bytecode, fill the page cache with the
        tree and the engines, initialise pre-commit's store."""
        one = tree.pick(root, 3, seed=0)
        env = self.env(mlwarden=True)
        for command in (
            [str(self.mlwarden), "scan", "--no-cache", "--no-progress", *one],
            [str(self.bin_dir / "pre-commit"), "run", "--files", *one],
            [str(self.bin_dir / "bandit"), "-q", *one],
            [str(self.bin_dir / "semgrep"), "scan", "--config", str(self.semgrep_rules), *one],
            [str(self.bin_dir / "detect-secrets"), "scan", *one],
        ):
            subprocess.run(command, cwd=root, env=env, capture_output=True, check=False)
        tree.count_lines(root, tree.tracked(root))

    def round(
        self, root: Path, round_: int, jobs: Sequence[str], sections: set[str]
    ) -> Iterator[Record]:
        blocks: list[Callable[[], Iterator[Record]]] = []
        if "scenarios" in sections:
            blocks += [partial(self._scenarios, root, round_, j) for j in jobs]
        if "hooks" in sections:
            blocks.append(partial(self._hooks, root, round_))
        if "pre-commit" in sections:
            blocks.append(partial(self._pre_commit, root, round_))
        if "peers" in sections:
            blocks += [partial(self._peer, root, round_, t) for t in PEERS]
        shift = (round_ - 1) % max(1, len(blocks))  # each round starts elsewhere
        for block in blocks[shift:] + blocks[:shift]:
            yield from block()

    def _scenarios(self, root: Path, round_: int, jobs: str) -> Iterator[Record]:
        flags = [] if jobs == "default" else ["--jobs", jobs]
        base = {"section": "scenarios", "jobs": jobs, "round": round_, "tool": "mlwarden scan"}
        tree.restore(root)
        tag = f"r{round_}-j{jobs}"
        if jobs == "default":
            nocache: Record = {**base, "scenario": "no cache"}
            nocache |= self.scan(root, f"nocache-{tag}", ["--no-cache"])
        self.clear_cache(root)
        cold = {**base, "scenario": "cold", **self.scan(root, f"cold-{tag}", flags)}
        if jobs == "default":
            nocache["vs_cold"] = same_findings(cold["output"], nocache["output"])
            yield nocache
        yield cold
        warm = {**base, "scenario": "warm unchanged", **self.scan(root, f"warm-{tag}", flags)}
        warm["vs_cold"] = same_findings(cold["output"], warm["output"])
        yield warm
        files = tree.python_files(root)
        one = [sorted(files, key=lambda p: ((root / p).stat().st_size, p))[len(files) // 2]]
        tree.append_line(root, one, f"{tag}-one")
        changed = self.scan(root, f"one-{tag}", flags)
        yield {**base, "scenario": "1 file changed", "changed": one, **changed}
        tree.restore(root)
        some = tree.pick(root, max(1, round(len(tree.tracked(root)) / 100)), seed=1)
        tree.append_line(root, some, f"{tag}-pct")
        changed = self.scan(root, f"pct-{tag}", flags)
        yield {**base, "scenario": "1% files changed", "changed": some, **changed}
        tree.restore(root)

    def _hooks(self, root: Path, round_: int) -> Iterator[Record]:
        """Where a cold scan's time goes: each hook alone (`--hook NAME`), cache cleared."""
        tree.restore(root)
        for hook in FILE_HOOKS:
            self.clear_cache(root)
            base = {"section": "hooks", "jobs": "default", "round": round_, "scenario": "cold"}
            scan = self.scan(root, f"hook-{hook}-r{round_}", ["--hook", hook])
            yield {**base, "tool": f"mlwarden --hook {hook}", **scan}

    def _pre_commit(self, root: Path, round_: int) -> Iterator[Record]:
        tree.restore(root)
        self.clear_cache(root)
        command = [str(self.bin_dir / "pre-commit"), "run", "--all-files"]
        base = {"section": "pre-commit", "jobs": "default", "round": round_, "tool": "pre-commit"}
        for scenario in ("cold", "warm unchanged"):
            name = f"precommit-{scenario.split()[0]}-r{round_}"
            record = self._timed(name, command, root, mlwarden=True)
            record["hooks"] = hook_durations(self.logs / f"{name}.out")
            yield {**base, "scenario": scenario, **record}

    def _peer(self, root: Path, round_: int, tool: str) -> Iterator[Record]:
        tree.restore(root)
        base = {"section": "peers", "jobs": "default", "round": round_, "tool": tool}
        yield {**base, "scenario": "cold", **self.peer(tool, root, f"{tool}-r{round_}")}

    def growth(
        self, root: Path, sizes: Sequence[int], repeat: int, peer_rounds: int
    ) -> Iterator[Record]:
        trees: list[tuple[Path, int, int]] = []
        for size in sizes:
            dest = self.work / "trees" / f"{root.name}-{size // 1000}k"
            if not (dest / ".git").is_dir():
                tree.prefix_tree(root, dest, size)
            files = tree.tracked(dest)
            trees.append((dest, len(files), tree.count_lines(dest, files)))
        files = tree.tracked(root)
        trees.append((root, len(files), tree.count_lines(root, files)))
        for round_ in range(1, max(repeat, peer_rounds) + 1):
            for dest, count, lines in trees:
                tree.restore(dest)
                base = {"section": "growth", "jobs": "default", "round": round_}
                base |= {"tree_files": count, "tree_lines": lines, "scenario": "cold"}
                self.clear_cache(dest)
                name = f"growth-{dest.name}-r{round_}"
                yield {**base, "tool": "mlwarden scan", **self.scan(dest, name)}
                for tool in PEERS if round_ <= peer_rounds else ():
                    yield {**base, "tool": tool, **self.peer(tool, dest, f"{name}-{tool}")}


def hook_durations(output: Path) -> dict[str, float]:
    """Seconds per hook from pre-commit's verbose lines (`- hook id:`, `- duration:`)."""
    found: dict[str, float] = {}
    hook = ""
    for line in output.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("- hook id: "):
            hook = line.removeprefix("- hook id: ").strip()
        elif line.startswith("- duration: ") and hook:
            found[hook] = float(line.removeprefix("- duration: ").rstrip("s"))
    return found


def cache_entries(root: Path) -> int:
    folder = root / CACHE_FOLDER
    return sum(len(files) for _, _, files in os.walk(folder)) if folder.is_dir() else 0


def findings(report: Path) -> int | None:
    try:
        return len(json.loads(report.read_text(encoding="utf-8"))["findings"])
    except (OSError, ValueError, KeyError):
        return None


def same_findings(a: str, b: str) -> str:
    """ "same" (identical reports), "same set" (other order), or "different"."""

    def load(path: str) -> list[list[str]]:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return [[json.dumps(x, sort_keys=True) for x in data.get(k, [])] for k in KEYS]

    try:
        first, second = load(a), load(b)
    except (OSError, ValueError):
        return "unreadable"
    if first == second:
        return "same"
    return "same set" if [sorted(x) for x in first] == [sorted(x) for x in second] else "different"


KEYS = ("findings", "errors", "notices")


def peer_findings(tool: str, out: Path) -> int | None:
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tool == "detect-secrets":
        return sum(len(v) for v in data.get("results", {}).values())
    return len(data.get("results", []))


def semgrep_scanned(out: Path) -> int | None:
    """How many files plain semgrep judged (its default ignores drop tests/ and the like)."""
    try:
        return len(json.loads(out.read_text(encoding="utf-8"))["paths"]["scanned"])
    except (OSError, ValueError, KeyError):
        return None
