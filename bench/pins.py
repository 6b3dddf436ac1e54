"""Benchmark: the pins hook on a generated corpus of dependency files with known answers.

    .venv/bin/python bench/pins.py            # BENCH_RUNS=5 whole-corpus runs, medians

The corpus (bench/pins_corpus.py, seeded) has requirements/constraints/.in files with
continuations, markers, extras, local versions, includes and a cycle; pyproject.toml with
and without uv.lock; conda environments; Dockerfiles; workflows; a pre-commit config;
typosquats generated from the popular list next to 56 real, less popular packages that
must stay quiet; and malformed TOML/YAML. Each line carries its expected rule ids.

Reported: recall and false positives per rule and per file kind, expected vs actual
errors, the whole-corpus time, per-file time (one run per file, in process: what a
one-file commit costs after interpreter start), and a monorepo scale run (500
requirements files plus one 10,000-line file).

Peers: OpenSSF Scorecard's Pinned-Dependencies needs a GitHub repository and network;
pip's --require-hashes works only at install time. Neither runs offline on files, so
there is no side-by-side column here.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mlwarden.checks.pins import Options, run
from mlwarden.config import Config
from mlwarden.findings import HookResult
from mlwarden.hooks import ScanContext
from pins_corpus import Doc, corpus

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def write(root: Path, docs: list[Doc]) -> None:
    for k, doc in enumerate(docs):
        path = root / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        # every fifth file uses CRLF line endings
        path.write_bytes(doc.text("\r\n" if k % 5 == 4 else "\n").encode())


def scan(root: Path, files: list[str]) -> tuple[HookResult, float]:
    ctx = ScanContext(root=root, files=tuple(files), config=Config(root=root))
    start = time.perf_counter()
    result = run(ctx, Options())
    return result, time.perf_counter() - start


def score(docs: list[Doc], result: HookResult) -> list[str]:
    expected = Counter((rule, doc.path, line) for doc in docs for rule, line in doc.expected)
    actual = Counter((f.rule_id, f.location.path, f.location.line) for f in result.findings)
    kinds = {doc.path: doc.kind for doc in docs}
    rows = ["| rule | expected | found | recall | false positives |", "|---|---|---|---|---|"]
    rules = sorted({key[0] for key in expected} | {key[0] for key in actual})
    for rule in rules:
        exp = sum(n for key, n in expected.items() if key[0] == rule)
        hit = sum(min(n, actual[key]) for key, n in expected.items() if key[0] == rule)
        fp = sum(max(0, n - expected[key]) for key, n in actual.items() if key[0] == rule)
        rows.append(
            f"| {rule} | {exp} | {hit} | {hit / exp:.0%} | {fp} |"
            if exp
            else f"| {rule} | 0 | 0 | - | {fp} |"
        )
    total = sum(expected.values())
    hit = sum(min(n, actual[key]) for key, n in expected.items())
    fps = [key for key, n in actual.items() for _ in range(max(0, n - expected[key]))]
    misses = [key for key, n in expected.items() for _ in range(max(0, n - actual[key]))]
    rows.append(f"| **all** | {total} | {hit} | {hit / total:.1%} | {len(fps)} |")
    by_kind = Counter(kinds.get(p, "?") for _, p, _ in fps)
    rows.append("")
    rows.append(f"false positives by kind: {dict(by_kind) or 'none'}")
    for key in fps[:10]:
        rows.append(f"- FP {key}")
    for key in misses[:10]:
        rows.append(f"- missed {key}")
    want_errors = sum(doc.errors for doc in docs)
    rows.append(
        f"errors: expected {want_errors}, got {len(result.errors)} "
        f"({'; '.join(f'{e.path}: {e.message}' for e in result.errors)})"
    )
    return rows


def per_file(root: Path, docs: list[Doc]) -> list[str]:
    times: dict[str, list[float]] = {}
    for doc in docs:
        _, seconds = scan(root, [doc.path])
        times.setdefault(doc.kind, []).append(seconds * 1000)
    rows = ["| kind | files | median ms | max ms |", "|---|---|---|---|"]
    for kind, values in sorted(times.items()):
        rows.append(
            f"| {kind} | {len(values)} | {statistics.median(values):.1f} | {max(values):.1f} |"
        )
    return rows


def scale(root: Path, docs: list[Doc]) -> list[str]:
    sources = [doc for doc in docs if doc.path.endswith("requirements-dev.txt")]
    files: list[str] = []
    for k in range(500):
        path = root / f"mono/svc{k}/requirements.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sources[k % len(sources)].text())
        files.append(path.relative_to(root).as_posix())
    big = root / "mono/requirements-big.txt"
    big.write_text("".join(f"pkg-{i}=={i}.0.1\n" for i in range(10_000)))
    files.append(big.relative_to(root).as_posix())
    times = []
    for _ in range(max(1, RUNS // 2)):
        result, seconds = scan(root, files)
        times.append(seconds)
    return [
        "| monorepo | files | findings | median s |",
        "|---|---|---|---|",
        f"| 500 requirements files + one 10,000-line file | {len(files)} | "
        f"{len(result.findings)} | {statistics.median(times):.2f} |",
    ]


def main() -> int:
    docs = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        write(root, docs)
        os.chdir(root)
        files = [doc.path for doc in docs]
        times = []
        for _ in range(RUNS):
            result, seconds = scan(root, files)
            times.append(seconds)
        print(
            f"## pins hook: {len(docs)} generated files, "
            f"{sum(len(d.expected) for d in docs)} expected findings\n"
        )
        print("\n".join(score(docs, result)))
        print(
            f"\nwhole corpus, one run: median {statistics.median(times) * 1000:.0f} ms "
            f"over {RUNS} runs (min {min(times) * 1000:.0f} ms)\n"
        )
        print("\n".join(per_file(root, docs)))
        print()
        print("\n".join(scale(root, docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
