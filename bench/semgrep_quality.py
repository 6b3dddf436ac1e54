"""Benchmark: what the semgrep hook catches vs bandit and plain semgrep, on a labelled corpus.

    python bench/semgrep_quality.py            # tables to stdout
    python bench/semgrep_quality.py --misses   # also list every miss and false positive

Corpus: `bench/corpus_semgrep/unsafe/` (one insecure ML pattern per file, its first line
marked `# <-`) and `bench/corpus_semgrep/safe/` (the safe forms and near misses), as
`.py` files and Jupyter notebooks. Tools, each on a copy of the corpus, default settings:

- mlwarden hook:  python -m mlwarden.checks.semgrep --format json FILES  (== mlwarden-semgrep)
- plain semgrep:  semgrep scan --config semgrep-rules/ --json FILES     (same rules, no hook)
- bandit:         bandit -f json FILES                                    (all default tests)

An unsafe case counts as caught when the tool reports a finding on a marked line; a safe
case is a false positive when the tool reports anything in it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus_semgrep"
PACK = HERE.parent / "semgrep-rules"
MARK = "# <-"


@dataclass(frozen=True)
class Case:
    path: str  # relative to the corpus root
    unsafe: bool
    marked: frozenset[int]

    @property
    def notebook(self) -> bool:
        return self.path.endswith(".ipynb")


def load_cases() -> list[Case]:
    cases = []
    for kind in ("unsafe", "safe"):
        for path in sorted((CORPUS / kind).iterdir()):
            lines = path.read_text(encoding="utf-8").splitlines()
            marked = frozenset(i for i, line in enumerate(lines, 1) if MARK in line)
            if kind == "unsafe" and not marked:
                raise SystemExit(f"{path}: unsafe case without a '{MARK}' line")
            cases.append(Case(f"{kind}/{path.name}", kind == "unsafe", marked))
    return cases


def _tool(name: str, env_var: str) -> str | None:
    explicit = os.environ.get(env_var)
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    return env


def run_hook(root: Path, files: Sequence[str]) -> set[tuple[str, int]]:
    proc = subprocess.run(
        [sys.executable, "-m", "mlwarden.checks.semgrep", "--format", "json", *files],
        cwd=root,
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    data = json.loads(proc.stdout)
    return {(f["path"], int(f["line"])) for f in data["findings"]}


def run_plain_semgrep(root: Path, files: Sequence[str]) -> set[tuple[str, int]] | None:
    exe = _tool("semgrep", "SEMGREP")
    if exe is None:
        return None
    command = [exe, "scan", "--config", str(PACK), "--json", "--metrics=off", "--quiet", *files]
    proc = subprocess.run(
        command, cwd=root, capture_output=True, text=True, env=_env(), check=False
    )
    data = json.loads(proc.stdout)
    return {(r["path"], int(r["start"]["line"])) for r in data["results"]}


def run_bandit(root: Path, files: Sequence[str]) -> set[tuple[str, int]] | None:
    exe = _tool("bandit", "BANDIT")
    if exe is None:
        return None
    proc = subprocess.run(
        [exe, "-f", "json", "-q", *files], cwd=root, capture_output=True, text=True, check=False
    )
    data = json.loads(proc.stdout)
    return {(r["filename"].removeprefix("./"), int(r["line_number"])) for r in data["results"]}


@dataclass(frozen=True)
class Score:
    tool: str
    caught: list[Case]
    missed: list[Case]
    false_positives: list[Case]
    safe_total: int


def score(tool: str, cases: Sequence[Case], hits: set[tuple[str, int]]) -> Score:
    caught, missed, fps = [], [], []
    files_with_hits = {path for path, _ in hits}
    for case in cases:
        if case.unsafe:
            found = any((case.path, line) in hits for line in case.marked)
            (caught if found else missed).append(case)
        elif case.path in files_with_hits:
            fps.append(case)
    return Score(tool, caught, missed, fps, sum(not c.unsafe for c in cases))


def table(scores: Sequence[Score], cases: Sequence[Case]) -> str:
    unsafe = [c for c in cases if c.unsafe]
    nb_unsafe = [c for c in unsafe if c.notebook]
    safe = [c for c in cases if not c.unsafe]
    rows = [
        "| tool | caught (recall) | caught in .py | caught in notebooks | false positives "
        "(safe cases flagged) |",
        "|---|---|---|---|---|",
    ]
    for s in scores:
        py_caught = sum(not c.notebook for c in s.caught)
        nb_caught = sum(c.notebook for c in s.caught)
        rows.append(
            f"| {s.tool} | {len(s.caught)}/{len(unsafe)} ({len(s.caught) / len(unsafe):.0%}) "
            f"| {py_caught}/{len(unsafe) - len(nb_unsafe)} | {nb_caught}/{len(nb_unsafe)} "
            f"| {len(s.false_positives)}/{len(safe)} |"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)
    cases = load_cases()
    tools: list[tuple[str, Callable[[Path, Sequence[str]], set[tuple[str, int]] | None]]] = [
        ("mlwarden semgrep hook", run_hook),
        ("plain `semgrep --config semgrep-rules/`", run_plain_semgrep),
        ("bandit (defaults)", run_bandit),
    ]
    scores = []
    with tempfile.TemporaryDirectory(prefix="mlw-sg-quality-") as tmp:
        root = Path(tmp) / "corpus"
        shutil.copytree(CORPUS, root)
        files = [c.path for c in cases]
        for name, runner in tools:
            hits = runner(root, files)
            if hits is None:
                print(f"{name}: not installed, skipped", file=sys.stderr)
                continue
            scores.append(score(name, cases, hits))
    unsafe = sum(c.unsafe for c in cases)
    notebooks = sum(c.notebook for c in cases)
    print(
        f"Corpus: {len(cases)} cases ({unsafe} unsafe, {len(cases) - unsafe} safe; "
        f"{notebooks} notebooks)\n"
    )
    print(table(scores, cases))
    if args.misses:
        for s in scores:
            print(f"\n{s.tool}:")
            for case in s.missed:
                print(f"  missed          {case.path}")
            for case in s.false_positives:
                print(f"  false positive  {case.path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
