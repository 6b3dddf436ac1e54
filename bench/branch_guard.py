"""branch-guard vs pre-commit-hooks' no-commit-to-branch, side by side on real pushes.

Each scenario runs in a fresh bare remote + clone twice: with mlwarden's hooks/ (via
core.hooksPath) and with no-commit-to-branch wired as pre-commit and pre-push hooks.
"Blocked" means git's exit code was non-zero AND the remote's refs did not change.

    MLWARDEN_PEER_BIN=/tmp/peers-guard/bin python bench/branch_guard.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(os.environ.get("MLWARDEN_REPO", Path(__file__).resolve().parent.parent))
PEER_BIN = Path(os.environ.get("MLWARDEN_PEER_BIN", "/tmp/peers-guard/bin"))
PY = os.environ.get("MLWARDEN_PYTHON_UNDER_TEST", str(REPO / ".venv/bin/python"))


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "CI"))}
    e["MLWARDEN_PYTHON"] = PY
    return e


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env())


def refs(remote: Path) -> str:
    return git(remote, "for-each-ref").stdout


def commit(repo: Path, name: str, text: str) -> None:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "--no-verify", "-m", name)


def setup(tmp: Path, tool: str) -> tuple[Path, Path]:
    remote, seed, clone = tmp / "r.git", tmp / "seed", tmp / "clone"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(seed)], check=True)
    for repo in (seed,):
        git(repo, "config", "user.email", "b@x"), git(repo, "config", "user.name", "b")
    commit(seed, "README.md", "x\n")
    git(seed, "branch", "release/0.9"), git(seed, "tag", "v1.0")
    git(seed, "push", "-q", str(remote), "main", "release/0.9", "v1.0")
    git(tmp, "clone", "-q", str(remote), str(clone))
    git(clone, "config", "user.email", "b@x"), git(clone, "config", "user.name", "b")
    if tool == "mlwarden":
        git(clone, "config", "core.hooksPath", str(REPO / "hooks"))
        # The pushed-range scan runs too (secrets + models), as users get it by default.
    else:
        hooks = clone / ".git" / "hooks"
        for name in ("pre-commit", "pre-push"):
            (hooks / name).write_text(
                f"#!/bin/sh\nexec {PEER_BIN}/no-commit-to-branch --branch main --branch master "
                "--pattern 'release/.*'\n"
            )
            (hooks / name).chmod(0o755)
    return remote, clone


def s_commit_on_main(clone: Path) -> list[str]:
    (clone / "a.txt").write_text("a\n")
    git(clone, "add", "a.txt")
    return ["commit", "-q", "-m", "on main"]


def s_feature(clone: Path, name: str = "feature") -> None:
    git(clone, "switch", "-q", "-c", name)
    commit(clone, f"{name}.txt", name)


def s_push_feature_to_main(clone: Path) -> list[str]:
    s_feature(clone)
    return ["push", "-q", "origin", "feature:main"]


def s_push_head_to_release(clone: Path) -> list[str]:
    s_feature(clone)
    return ["push", "-q", "origin", "HEAD:refs/heads/release/1.0"]


def s_multi_ref(clone: Path) -> list[str]:
    s_feature(clone, "one")
    s_feature(clone, "two")
    return ["push", "-q", "origin", "one", "two:main"]


def s_force_push(clone: Path) -> list[str]:
    git(clone, "switch", "-q", "-c", "topic")
    commit(clone, "t.txt", "t")
    git(clone, "push", "-q", "--no-verify", "origin", "topic:main")
    git(clone, "commit", "-q", "--amend", "-m", "rewritten", "--no-verify")
    return ["push", "-q", "--force", "origin", "topic:main"]


def s_delete_release(clone: Path) -> list[str]:
    git(clone, "switch", "-q", "-c", "elsewhere")
    return ["push", "-q", "origin", ":release/0.9"]


def s_move_tag(clone: Path) -> list[str]:
    s_feature(clone)
    git(clone, "tag", "-f", "v1.0")
    return ["push", "-q", "--force", "origin", "v1.0"]


def s_secret_no_verify(clone: Path) -> list[str]:
    git(clone, "switch", "-q", "-c", "leak")
    commit(clone, "s.py", 'T = "ghp_' + "Zq3xW9vB2nL8kR4tY6uP1sD5fG7hJ0aQ2mXc" + '"\n')
    commit(clone, "s.py", "T = None\n")
    return ["push", "-q", "origin", "leak"]


def s_feature_while_on_main(clone: Path) -> list[str]:
    s_feature(clone)
    git(clone, "switch", "-q", "main")
    return ["push", "-q", "origin", "feature"]


def s_feature_commit(clone: Path) -> list[str]:
    git(clone, "switch", "-q", "-c", "work")
    (clone / "w.txt").write_text("w\n")
    git(clone, "add", "w.txt")
    return ["commit", "-q", "-m", "work"]


# (name, setup returning the git command, should it be blocked?)
SCENARIOS: list[tuple[str, Callable[[Path], list[str]], bool]] = [
    ("commit on main", s_commit_on_main, True),
    ("push feature:main", s_push_feature_to_main, True),
    ("push HEAD:refs/heads/release/1.0", s_push_head_to_release, True),
    ("push one two:main (2nd ref protected)", s_multi_ref, True),
    ("force push to main after --amend", s_force_push, True),
    ("delete release/0.9 (:release/0.9)", s_delete_release, True),
    ("move tag v1.0", s_move_tag, True),
    ("secret committed --no-verify, removed, pushed", s_secret_no_verify, True),
    ("push feature while main checked out", s_feature_while_on_main, False),
    ("commit on a feature branch", s_feature_commit, False),
]


def run(tool: str, scenario: Callable[[Path], list[str]]) -> tuple[bool, float]:
    with tempfile.TemporaryDirectory() as tmp:
        remote, clone = setup(Path(tmp), tool)
        command = scenario(clone)
        before_refs, before_head = refs(remote), git(clone, "rev-parse", "HEAD").stdout
        start = time.perf_counter()
        done = git(clone, *command)
        elapsed = time.perf_counter() - start
        if command[0] == "commit":
            unchanged = git(clone, "rev-parse", "HEAD").stdout == before_head
        else:
            unchanged = refs(remote) == before_refs
        return done.returncode != 0 and unchanged, elapsed


def main() -> int:
    if not (PEER_BIN / "no-commit-to-branch").exists():
        print(f"skip: no-commit-to-branch not found in {PEER_BIN} (pip install pre-commit-hooks)")
        return 0
    print("| scenario | expected | mlwarden | no-commit-to-branch |")
    print("|---|---|---|---|")
    score = {"mlwarden": 0, "peer": 0}
    times: dict[str, list[float]] = {"mlwarden": [], "peer": []}
    for name, scenario, should_block in SCENARIOS:
        cells = []
        for tool in ("mlwarden", "peer"):
            blocked, elapsed = run(tool, scenario)
            times[tool].append(elapsed)
            ok = blocked == should_block
            score[tool] += ok
            cells.append(f"{'blocked' if blocked else 'allowed'} {'✓' if ok else '✗'}")
        print(f"| {name} | {'block' if should_block else 'allow'} | {cells[0]} | {cells[1]} |")
    n = len(SCENARIOS)
    print(f"| **correct** | | **{score['mlwarden']}/{n}** | **{score['peer']}/{n}** |")
    print()
    for tool in ("mlwarden", "peer"):
        t = times[tool]
        print(
            f"{tool}: median git command {statistics.median(t) * 1000:.0f} ms, "
            f"max {max(t) * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
