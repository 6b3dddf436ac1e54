"""Every way in yields the same Sources: paths, folders, --staged, --commits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlwarden.core.errors import UsageError
from mlwarden.core.modes import Gathered, gather
from mlwarden.core.sources import Kind
from tests.conftest import git, make_repo


def commit_all(repo: Path, message: str = "c") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def paths(gathered: Gathered) -> list[str]:
    try:
        return sorted(s.path for s in gathered.sources)
    finally:
        gathered.close()


def test_a_folder_in_a_repository_is_what_git_add_would_see(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".gitignore").write_text(".venv/\n*.log\n")
    for name in ("a.py", "src/b.py", ".venv/lib/site.py", "run.log", "new.py"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x = 1\n")
    git(repo, "add", ".gitignore", "a.py", "src/b.py")
    expected = [".gitignore", "a.py", "new.py", "src/b.py"]
    assert paths(gather(paths=(), cwd=repo)) == expected
    assert paths(gather(paths=(".",), cwd=repo)) == expected
    # From the parent folder and from a subfolder: the same repository-relative files.
    assert paths(gather(paths=("repo",), cwd=tmp_path)) == expected
    assert paths(gather(paths=("..",), cwd=repo / "src")) == expected
    assert paths(gather(paths=(), cwd=repo / "src")) == ["src/b.py"]


def test_display_paths_are_relative_to_the_working_directory(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "src").mkdir()
    (repo / "src" / "b.py").write_text("x = 1\n")
    found = gather(paths=("..",), cwd=repo / "src")
    try:
        assert [(s.path, s.display) for s in found.sources] == [("src/b.py", "b.py")]
    finally:
        found.close()


def test_symlinks_fifos_and_loops_are_never_followed(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "d").mkdir(parents=True)
    (plain / "d" / "ok.txt").write_text("ok\n")
    (plain / "loop").symlink_to("loop")
    (plain / "up").symlink_to("..")
    (plain / "d" / "link.txt").symlink_to(plain / "d" / "ok.txt")
    os.mkfifo(plain / "pipe")
    assert paths(gather(paths=(".",), cwd=plain)) == ["d/ok.txt"]
    repo = make_repo(tmp_path / "repo")
    (repo / "ok.txt").write_text("ok\n")
    (repo / "loop").symlink_to("loop")
    commit_all(repo)
    os.mkfifo(repo / "pipe")
    assert paths(gather(paths=(), cwd=repo)) == ["ok.txt"]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope\.py: no such file or folder"):
        gather(paths=("nope.py",), cwd=tmp_path)


def test_staged_reads_the_index_not_the_work_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "a.py").write_text("old\n")
    commit_all(repo)
    (repo / "a.py").write_text("staged\n")
    git(repo, "add", "a.py")
    (repo / "a.py").write_text("work tree\n")
    (repo / "b.py").write_text("not staged\n")
    found = gather(paths=(), cwd=repo, staged=True)
    try:
        (source,) = found.sources
        assert (source.path, source.snapshot.kind, source.read_bytes()) == (
            "a.py",
            Kind.INDEX,
            b"staged\n",
        )
        assert source.snapshot.read_base("a.py") == b"old\n"
    finally:
        found.close()


def test_commits_yield_each_change_with_the_lines_it_added(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "a.txt").write_text("1\n2\n")
    (repo / "bin.dat").write_bytes(b"\0\1\2")
    first = commit_all(repo)
    (repo / "a.txt").write_text("1\nnew\n2\nend\n")
    git(repo, "mv", "bin.dat", "moved.dat")
    second = commit_all(repo)
    found = gather(paths=(), cwd=repo, commits=f"{'0' * 40}..HEAD")
    try:
        seen = [(s.commit, s.path, s.changed_lines) for s in found.sources]
        assert seen == [
            (first, "a.txt", frozenset({1, 2})),
            (first, "bin.dat", None),
            (second, "a.txt", frozenset({2, 4})),
            (second, "moved.dat", None),  # a rename is an addition: judged again
        ]
    finally:
        found.close()
    # `A..B`, one commit, and the forms git itself reads.
    assert paths(gather(paths=(), cwd=repo, commits=f"{first}..{second}")) == [
        "a.txt",
        "moved.dat",
    ]
    assert paths(gather(paths=(), cwd=repo, commits=first)) == ["a.txt", "bin.dat"]
    assert paths(gather(paths=(), cwd=repo, commits=f"{first}..")) == ["a.txt", "moved.dat"]
    assert paths(gather(paths=("a.txt",), cwd=repo, commits=f"{first}..")) == ["a.txt"]
    # A deletion (all-zero tip) adds nothing.
    assert paths(gather(paths=(), cwd=repo, commits=f"{first}..{'0' * 40}")) == []
