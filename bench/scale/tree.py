"""The trees the scale benchmark scans: built from a pinned commit, cut into prefixes, edited.

A tree is a one-commit git repository on branch `bench-scale` (not a protected name, so
the branch guard runs like on a feature branch), holding the snapshot's files at the pinned
commit plus the `.pre-commit-config.yaml` the benchmark runs, committed so that pre-commit
accepts it and `mlwarden scan` sees the same files pre-commit does.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tomllib

BRANCH = "bench-scale"
_IDENTITY = ("-c", "user.name=mlwarden-bench", "-c", "user.email=bench@example.invalid")


class TreeError(RuntimeError):
    pass


@dataclass(frozen=True)
class Pinned:
    name: str
    repository: str
    commit: str
    files: int
    lines: int


def load_pins(path: Path) -> dict[str, Pinned]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: Pinned(name, t["repository"], t["commit"], int(t["files"]), int(t["lines"]))
        for name, t in data.items()
    }


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    proc = subprocess.run(
        ["git", *_IDENTITY, *args], cwd=cwd, input=stdin, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise TreeError(f"git {' '.join(args)} in {cwd}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def build(pin: Pinned, snapshot: Path, dest: Path, precommit_config: str) -> Path:
    """`dest`: the pinned commit's files (those the snapshot holds: a partial mirror may
    lack its largest blobs, which are then left out and listed in `MISSING_BLOBS.txt`
    outside the tree) as a fresh one-commit repository."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    listing = git(snapshot, "--git-dir", str(snapshot), "ls-tree", "-r", "-z", pin.commit)
    missing: list[str] = []
    for record in filter(None, listing.split(b"\0")):
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob":
            continue  # submodules
        try:
            data = git(snapshot, "--git-dir", str(snapshot), "cat-file", "blob", blob)
        except TreeError:
            missing.append(path)
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(data.decode("utf-8", "surrogateescape"))
        else:
            target.write_bytes(data)
            if mode == "100755":
                target.chmod(0o755)
    (dest / ".pre-commit-config.yaml").write_text(precommit_config, encoding="utf-8")
    _commit(dest)
    if missing:
        (dest.parent / f"{dest.name}.MISSING_BLOBS.txt").write_text("\n".join(missing) + "\n")
    return dest


def _commit(root: Path) -> None:
    git(root, "init", "-q", "-b", BRANCH)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "scale benchmark tree")


def tracked(root: Path) -> list[str]:
    out = git(root, "ls-files", "-z")
    return sorted(p.decode("utf-8", "surrogateescape") for p in filter(None, out.split(b"\0")))


def count_lines(root: Path, paths: Sequence[str]) -> int:
    total = 0
    for path in paths:
        target = root / path
        if target.is_file() and not target.is_symlink():
            total += target.read_bytes().count(b"\n")
    return total


def prefix_tree(source: Path, dest: Path, target_lines: int) -> tuple[int, int]:
    """A new repository of the first files of `source` (sorted paths) until they hold
    about `target_lines` lines; returns (files, lines)."""
    chosen: list[str] = []
    lines = 0
    for path in tracked(source):
        if lines >= target_lines:
            break
        chosen.append(path)
        lines += count_lines(source, [path])
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    # `git archive` of the chosen paths keeps modes and symlinks exactly.
    archive = git(source, "archive", "--format=tar", "HEAD", "--", *chosen)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="tar")
    _commit(dest)
    return len(chosen), lines


def restore(root: Path) -> None:
    """Undo every edit of the work tree (the benchmark's own repository only)."""
    git(root, "checkout", "-q", "--", ".")


def python_files(root: Path) -> list[str]:
    return [p for p in tracked(root) if p.endswith(".py") and (root / p).stat().st_size > 0]


def pick(root: Path, count: int, seed: int) -> list[str]:
    """`count` .py files, the same ones for the same seed and tree."""
    files = python_files(root)
    return sorted(random.Random(seed).sample(files, min(count, len(files))))


def append_line(root: Path, paths: Sequence[str], tag: str) -> None:
    """A change no cache has seen: a comment line unique to this run."""
    for path in paths:
        target = root / path
        ends_open = not target.read_bytes().endswith(b"\n")
        with target.open("a", encoding="utf-8") as out:
            out.write(("\n" if ends_open else "") + f"# mlwarden scale benchmark edit {tag}\n")
