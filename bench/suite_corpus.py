"""Real corpora: published ML packages, fetched with pip, unpacked into git repositories.

An sdist is the closest thing to the project's repository (tests, examples, configs), so it is
preferred; a package whose sdist cannot even be downloaded without compiling it (pip builds
metadata for sdists, and scikit-learn's meson build needs a compiler toolchain) comes as a
wheel, which still holds all its Python source.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PACKAGES = (
    "transformers",
    "lightning",
    "datasets",
    "accelerate",
    "langchain-core",
    "scikit-learn",
)
# Fetched as wheels first: their sdist metadata step compiles (see the module docstring).
WHEEL_FIRST = frozenset({"scikit-learn"})
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".whl", ".tar.bz2")


class CorpusError(Exception):
    """A package that could not be fetched or unpacked; the suite skips it."""


@dataclass(frozen=True)
class Tree:
    name: str  # e.g. accelerate-1.15.0
    path: Path
    archive: str  # file name of the sdist or wheel
    files: int
    py_files: int
    py_lines: int


def project_name(spec: str) -> str:
    """`scikit-learn==1.5.0` -> `scikit-learn`."""
    for sep in ("==", ">=", "<=", "~=", "!=", ">", "<", "["):
        spec = spec.split(sep, 1)[0]
    return spec.strip()


def archive_stem(file_name: str) -> str:
    """`accelerate-1.15.0.tar.gz` -> `accelerate-1.15.0`; a wheel keeps name and version."""
    if file_name.endswith(".whl"):
        return "-".join(file_name[: -len(".whl")].split("-")[:2])
    for suffix in ARCHIVE_SUFFIXES:
        if file_name.endswith(suffix):
            return file_name[: -len(suffix)]
    return file_name


def ensure_cache(cache: Path) -> None:
    """Create the cache ignoring itself, so its nested repositories never reach a commit."""
    cache.mkdir(parents=True, exist_ok=True)
    marker = cache / ".gitignore"
    if not marker.exists():
        marker.write_text("# created by bench/suite.py: nothing here is source\n*\n")


def download(spec: str, cache: Path, *, refresh: bool = False, timeout: float = 900) -> Path:
    """The package's archive in `cache/dist/<name>/`, fetched with pip unless already there."""
    name = project_name(spec)
    target = cache / "dist" / name
    if refresh and target.exists():
        shutil.rmtree(target)
    existing = _archives(target)
    if existing and (spec == name or _pinned(spec)):
        try:
            return _pick(existing, spec)
        except CorpusError:
            pass  # that version is not in the cache yet
    target.mkdir(parents=True, exist_ok=True)
    kinds = ("wheel", "sdist") if name in WHEEL_FIRST else ("sdist", "wheel")
    problems = []
    for kind in kinds:
        binary = ["--only-binary", ":all:"] if kind == "wheel" else ["--no-binary", ":all:"]
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *binary]
        try:
            proc = subprocess.run(
                [*command, "--dest", str(target), spec],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            problems.append(f"{kind}: pip download timed out")
            continue
        if proc.returncode == 0 and _archives(target):
            return _pick(_archives(target), spec)
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        problems.append(f"{kind}: {last}")
    raise CorpusError("; ".join(problems))


def _pinned(spec: str) -> str | None:
    return spec.split("==", 1)[1].strip() if "==" in spec else None


def _pick(archives: list[Path], spec: str) -> Path:
    """The archive of the pinned version, else the newest one fetched."""
    version = _pinned(spec)
    if version is None:
        return max(archives, key=lambda p: p.stat().st_mtime)
    for archive in archives:
        if archive_stem(archive.name).endswith(f"-{version}"):
            return archive
    raise CorpusError(f"no archive of {spec} in the cache")


def _archives(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(ARCHIVE_SUFFIXES))


def unpack(archive: Path, dest: Path) -> None:
    """Unpack into `dest`, dropping an sdist's single top-level directory."""
    staging = dest.with_name(dest.name + ".unpacking")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        if archive.name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(staging)
        else:
            with tarfile.open(archive) as tarred:
                tarred.extractall(staging, filter="data")
    except (OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise CorpusError(f"cannot unpack {archive.name}: {exc}") from exc
    entries = list(staging.iterdir())
    root = entries[0] if len(entries) == 1 and entries[0].is_dir() else staging
    if dest.exists():
        shutil.rmtree(dest)
    root.rename(dest)
    if staging.exists():
        shutil.rmtree(staging)


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        [
            "git",
            "-c",
            "user.name=mlwarden bench",
            "-c",
            "user.email=bench@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise CorpusError(f"git {args[0]} failed in {cwd}: {proc.stderr.strip()}")
    return proc.stdout


def make_git_tree(archive: Path, trees: Path) -> Tree:
    """A one-commit repository on `main` holding the unpacked archive (reused if present)."""
    name = archive_stem(archive.name)
    path = trees / name
    if not (path / ".git").is_dir():
        unpack(archive, path)
        _git(path, "init", "-q", "-b", "main")
        _git(path, "add", "-A")
        _git(path, "commit", "-q", "--no-verify", "-m", f"{archive.name} as published")
    tracked = [line for line in _git(path, "ls-files", "-z").split("\0") if line]
    py_files = [f for f in tracked if f.endswith(".py")]
    py_lines = 0
    for rel in py_files:
        try:
            with (path / rel).open("rb") as handle:
                py_lines += sum(1 for _ in handle)
        except OSError:
            continue
    return Tree(name, path, archive.name, len(tracked), len(py_files), py_lines)


def tracked_files(tree: Path) -> list[str]:
    return [line for line in _git(tree, "ls-files", "-z").split("\0") if line]


def head_sha(repo: Path) -> str:
    return _git(repo, "rev-parse", "HEAD").strip()
