"""One repository, six ways in: do they give one verdict?

Builds the small repository of issue 13 (a `[tool.mlwarden] exclude`, a workflow with an
injection, a notebook, a malicious pickle, a key, an excluded key) and scans it six ways with
the mlwarden executable given: explicit paths, `.`, the parent folder, a subfolder with `..`,
`--commits` over the commits that added the files, and `pre-commit run --all-files` (local
hooks calling that executable's console scripts). Prints each way's finding set size and which
ways agree with `.`.

    python bench/six_ways.py --mlwarden /path/to/venv/bin/mlwarden
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):\d+: (?P<rule>[A-Z]+\d+) ", re.M)
KEY = "hf_" + "kQ7wXv2LpN9mRt4ZsB8yHc3JdF6gTe5UaW"  # pragma: allowlist secret
HOOK_IDS = ("secrets", "semgrep", "bandit", "models", "pins", "config-guard")


class Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo payload",))


FILES: dict[str, str | bytes] = {
    ".github/workflows/ci.yml": (
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    ),
    "config/app.env": f"HF_TOKEN={KEY}\n",
    "fixtures/old.env": f"HF_TOKEN={KEY}\n",
    "models/clf.pkl": pickle.dumps({"w": Payload()}, protocol=2),
    "notebooks/explore.ipynb": json.dumps(
        {
            "cells": [
                {"cell_type": "code", "source": ["import torch\n", "m = torch.load('w.pt')"]}
            ],
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
        },
        indent=1,
    ),
    "src/train.py": "import torch\n\n\ndef load(p):\n    return torch.load(p)\n",
    "requirements.txt": "torch>=2.1\n",
}


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@b",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@b",
    }
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    return done.stdout.strip()


def build(root: Path, mlwarden: Path) -> tuple[Path, str]:
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "topic")
    (repo / "pyproject.toml").write_text(
        '[tool.mlwarden]\nexclude = ["fixtures/**"]\n[tool.mlwarden.config-guard]\nzizmor = false\n'
    )
    bindir = mlwarden.parent
    hooks = "".join(
        f"  - id: mlwarden-{h}\n    name: {h}\n    entry: {bindir}/mlwarden-{h}\n"
        "    language: system\n"
        for h in HOOK_IDS
    )
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n- repo: local\n  hooks:\n{hooks}")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "config")
    base = git(repo, "rev-parse", "HEAD")
    for name, data in FILES.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "files")
    return repo, base


def scan(mlwarden: Path, cwd: Path, *args: str, repo: Path) -> set[tuple[str, str, int]]:
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    done = subprocess.run(
        [str(mlwarden), "scan", "--no-progress", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
    )
    found = set()
    for m in LINE.finditer(done.stdout):
        path = os.path.relpath(cwd / m["path"], repo)
        found.add((m["rule"], Path(path).as_posix(), int(m["line"])))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlwarden", type=Path, default=Path(sys.executable).parent / "mlwarden")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        repo, base = build(root, args.mlwarden)
        ways = {
            "explicit paths": scan(args.mlwarden, repo, *FILES, repo=repo),
            ".": scan(args.mlwarden, repo, ".", repo=repo),
            "parent folder": scan(args.mlwarden, root, "repo", repo=repo),
            "subfolder ..": scan(args.mlwarden, repo / "src", "..", repo=repo),
            "--commits": scan(args.mlwarden, repo, "--commits", f"{base}..HEAD", repo=repo),
        }
        env = {
            **os.environ,
            "SEMGREP_ENABLE_VERSION_CHECK": "0",
            "PRE_COMMIT_HOME": str(root / "pc"),
        }
        pre_commit = args.mlwarden.parent / "pre-commit"
        done = subprocess.run(
            [str(pre_commit), "run", "--all-files"],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env,
        )
        ways["pre-commit --all-files"] = {
            (m["rule"], m["path"], int(m["line"])) for m in LINE.finditer(done.stdout)
        }
    reference = ways["."]
    distinct = {frozenset(v) for v in ways.values()}
    print(f"{'way in':<24} findings  same as '.'")
    for name, found in ways.items():
        print(f"{name:<24} {len(found):>8}  {'yes' if found == reference else 'no'}")
    print(f"distinct answers: {len(distinct)}")
    return 0 if len(distinct) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
