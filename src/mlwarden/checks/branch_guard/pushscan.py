"""The pushed-range scan: run the secrets and models hooks over the commits of a push.

It runs `mlwarden scan --hook secrets --hook models --commits FROM..TO` in a
subprocess, once per distinct range, so the scan loads its own configuration and the
runner applies suppressions, baselines and min-severity exactly as everywhere else.
Work committed with `git commit --no-verify` is caught here, before it leaves.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from mlwarden.checks.branch_guard import refs as g
from mlwarden.checks.branch_guard.policy import Options, RefUpdate


def push_ranges(cwd: Path, updates: Iterable[RefUpdate], remote: str | None) -> tuple[str, ...]:
    """`FROM..TO` for each pushed ref with new commits; FROM is all zeros when the whole
    history up to TO is new (the secrets hook then scans from the root commit)."""
    ranges: list[str] = []
    for u in updates:
        if u.is_delete:
            continue
        if not u.is_create and g.commit_exists(cwd, u.remote_sha):
            if u.remote_sha == u.local_sha:
                continue
            start = u.remote_sha
        else:
            # A new branch, or a remote commit we never fetched: scan what no
            # remote-tracking ref of this remote already reaches.
            base = g.new_commits_base(cwd, u.local_sha, remote)
            if base is None:
                continue
            start = base[0] if base else "0" * len(u.local_sha)
        rng = f"{start}..{u.local_sha}"
        if rng not in ranges:
            ranges.append(rng)
    return tuple(ranges)


def mlwarden_command() -> list[str]:
    """The `mlwarden` that belongs to this interpreter, else the one on PATH."""
    beside = shutil.which("mlwarden", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("mlwarden")
    return [found] if found else [sys.executable, "-m", "mlwarden"]


def available_hooks(options: Options) -> tuple[str, ...]:
    from mlwarden.core.hooks import HOOK_MODULES

    return tuple(h for h in options.scan_hooks if h in HOOK_MODULES)


def scan_ranges(cwd: Path, ranges: Sequence[str], hooks: Sequence[str], config: str | None) -> int:
    """Run the scan for each range, passing its output through; the worst exit code."""
    worst = 0
    for rng in ranges:
        cmd = [*mlwarden_command(), "scan"]
        for hook in hooks:
            cmd += ["--hook", hook]
        if config:
            cmd += ["--config", config]
        cmd += ["--commits", rng]
        try:
            done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        except OSError as exc:
            print(f"mlwarden: cannot run the pushed-range scan ({exc})", file=sys.stderr)
            return 2
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            print(
                f"mlwarden: pushed commits {rng} failed the {'/'.join(hooks)} scan: rewrite "
                "those commits before pushing (`git rebase -i`); a later commit that deletes "
                "the file or the secret leaves it in history",
                file=sys.stderr,
            )
        worst = max(worst, done.returncode)
    return worst
