"""branch-guard end to end: real `git commit` / `git push` through hooks/, a bare remote.

Every scenario asserts the exit code and whether the remote's refs changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.branch_guard.helpers import (
    commit,
    make_remote_and_clone,
    remote_refs,
    run_git,
    write_config,
)
from tests.conftest import REPO_ROOT, git


@pytest.fixture()
def repos(tmp_path: Path) -> tuple[Path, Path]:
    return make_remote_and_clone(tmp_path)


def feature(clone: Path, name: str = "feature") -> str:
    git(clone, "switch", "-q", "-c", name)
    return commit(clone, f"{name}.txt", f"{name}\n")


def test_commit_on_main_is_refused(repos: tuple[Path, Path]) -> None:
    _, clone = repos
    head = git(clone, "rev-parse", "HEAD").stdout
    (clone / "a.txt").write_text("a\n")
    git(clone, "add", "a.txt")
    done = run_git(clone, "commit", "-m", "on main")
    assert done.returncode == 1
    assert "refs/heads/main:1:1: BRG001 [high] commit on protected branch 'main'" in done.stdout
    assert "git switch -c" in done.stdout
    assert git(clone, "rev-parse", "HEAD").stdout == head


def test_commit_on_feature_branch_passes(repos: tuple[Path, Path]) -> None:
    _, clone = repos
    git(clone, "switch", "-q", "-c", "topic")
    commit(clone, "a.txt", "a\n", verify=True)  # asserts exit 0


def test_push_feature_to_main_is_refused(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    before = remote_refs(remote)
    feature(clone)
    done = run_git(clone, "push", "origin", "feature:main")
    assert done.returncode != 0
    assert (
        "refs/heads/main:1:1: BRG002 [high] push updates protected branch 'main' "
        "from refs/heads/feature" in done.stdout
    )
    assert remote_refs(remote) == before


def test_push_head_to_new_release_branch_is_refused(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    before = remote_refs(remote)
    feature(clone)
    done = run_git(clone, "push", "origin", "HEAD:refs/heads/release/1.0")
    assert done.returncode != 0
    assert "BRG002 [high] push creates protected branch 'release/1.0' from HEAD" in done.stdout
    assert remote_refs(remote) == before


def test_multi_ref_push_with_protected_second_ref_is_refused(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    before = remote_refs(remote)
    feature(clone, "one")
    feature(clone, "two")
    done = run_git(clone, "push", "origin", "one", "two:main")
    assert done.returncode != 0
    assert "BRG002" in done.stdout and "'main' from refs/heads/two" in done.stdout
    assert "refs/heads/one" not in done.stdout
    # git refuses the whole push: not even the harmless first ref reached the remote.
    assert remote_refs(remote) == before


def test_push_of_feature_branch_is_allowed(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    sha = feature(clone)
    done = run_git(clone, "push", "-q", "origin", "feature")
    assert done.returncode == 0, done.stdout
    assert remote_refs(remote)["refs/heads/feature"] == sha


def test_push_of_feature_branch_while_on_main_is_allowed(repos: tuple[Path, Path]) -> None:
    """no-commit-to-branch fails any push made while main is checked out; we judge the
    remote ref."""
    remote, clone = repos
    sha = feature(clone)
    git(clone, "switch", "-q", "main")
    done = run_git(clone, "push", "-q", "origin", "feature")
    assert done.returncode == 0, done.stdout
    assert remote_refs(remote)["refs/heads/feature"] == sha


def test_force_push_after_amend_is_refused(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    write_config(clone, "allow-fast-forward = true\n")
    commit(clone, "b.txt", "b\n", "--no-verify")
    assert run_git(clone, "push", "-q", "origin", "main").returncode == 0  # a fast-forward
    before = remote_refs(remote)
    (clone / "b.txt").write_text("changed\n")
    git(clone, "add", "b.txt")
    assert run_git(clone, "commit", "-q", "--amend", "--no-edit", "--no-verify").returncode == 0
    done = run_git(clone, "push", "--force", "origin", "main")
    assert done.returncode != 0
    assert "BRG003 [critical] force push to 'main'" in done.stdout
    assert remote_refs(remote) == before


def test_force_push_on_feature_branch_depends_on_policy(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    feature(clone)
    assert run_git(clone, "push", "-q", "origin", "feature").returncode == 0
    git(clone, "commit", "-q", "--amend", "-m", "reworded", "--no-verify")
    amended = git(clone, "rev-parse", "HEAD").stdout.strip()
    write_config(clone, "block-force-push-everywhere = true\n")
    before = remote_refs(remote)
    done = run_git(clone, "push", "--force", "origin", "feature")
    assert done.returncode != 0
    assert "BRG003 [critical] force push to 'feature'" in done.stdout
    assert remote_refs(remote) == before
    write_config(clone)
    done = run_git(clone, "push", "-q", "--force", "origin", "feature")
    assert done.returncode == 0, done.stdout
    assert remote_refs(remote)["refs/heads/feature"] == amended


def test_deleting_a_protected_branch_is_refused(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    before = remote_refs(remote)
    done = run_git(clone, "push", "origin", ":release/0.9")
    assert done.returncode != 0
    assert (
        "refs/heads/release/0.9:1:1: BRG004 [critical] push deletes protected branch "
        "'release/0.9'" in done.stdout
    )
    assert remote_refs(remote) == before


def test_deleting_a_feature_branch_is_allowed(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    feature(clone)
    assert run_git(clone, "push", "-q", "origin", "feature").returncode == 0
    done = run_git(clone, "push", "-q", "origin", "--delete", "feature")
    assert done.returncode == 0, done.stdout
    assert "refs/heads/feature" not in remote_refs(remote)


def test_remote_commit_unknown_locally_says_fetch_first(
    repos: tuple[Path, Path], tmp_path: Path
) -> None:
    remote, clone = repos
    # Someone else moves main on the remote; this clone never fetches it.
    commit(tmp_path / "seed", "other.txt", "other\n")
    git(tmp_path / "seed", "push", "-q", "origin", "main")
    write_config(clone, "allow-fast-forward = true\n")
    commit(clone, "mine.txt", "mine\n", "--no-verify")
    before = remote_refs(remote)
    done = run_git(clone, "push", "--force", "origin", "main")
    assert done.returncode != 0
    assert "BRG006 [high] remote branch 'main' is at" in done.stdout
    assert "fetch first" in done.stdout
    assert remote_refs(remote) == before


def test_fast_forward_to_main_allowed_when_configured(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    write_config(clone, "allow-fast-forward = true\n")
    sha = commit(clone, "c.txt", "c\n", "--no-verify")
    done = run_git(clone, "push", "-q", "origin", "main")
    assert done.returncode == 0, done.stdout
    assert remote_refs(remote)["refs/heads/main"] == sha


def test_protected_tag_cannot_move_or_be_deleted(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    feature(clone)
    git(clone, "tag", "-f", "v1.0")
    before = remote_refs(remote)
    done = run_git(clone, "push", "--force", "origin", "v1.0")
    assert done.returncode != 0
    assert "refs/tags/v1.0:1:1: BRG005 [critical] push moves protected tag 'v1.0'" in done.stdout
    done = run_git(clone, "push", "origin", ":refs/tags/v1.0")
    assert done.returncode != 0
    assert "BRG005 [critical] push deletes protected tag 'v1.0'" in done.stdout
    assert remote_refs(remote) == before
    # A new version tag, and a tag outside `protected-tags`, may be pushed and moved.
    git(clone, "tag", "v1.1")
    git(clone, "tag", "nightly")
    assert run_git(clone, "push", "-q", "origin", "v1.1", "nightly").returncode == 0
    assert {"refs/tags/v1.1", "refs/tags/nightly"} <= set(remote_refs(remote))


def test_push_to_a_url_without_a_named_remote(repos: tuple[Path, Path]) -> None:
    remote, clone = repos
    git(clone, "remote", "remove", "origin")
    before = remote_refs(remote)
    feature(clone)
    done = run_git(clone, "push", str(remote), "feature:master")
    assert done.returncode != 0
    assert "BRG002 [high] push creates protected branch 'master'" in done.stdout
    assert remote_refs(remote) == before
    assert run_git(clone, "push", "-q", str(remote), "feature").returncode == 0
    assert "refs/heads/feature" in remote_refs(remote)


def test_shallow_clone(repos: tuple[Path, Path], tmp_path: Path) -> None:
    remote, _ = repos
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{remote}", str(shallow))
    git(shallow, "config", "core.hooksPath", str(REPO_ROOT / "hooks"))
    git(shallow, "config", "user.email", "t@example.com")
    git(shallow, "config", "user.name", "T")
    git(shallow, "config", "commit.gpgsign", "false")
    write_config(shallow)
    git(shallow, "switch", "-q", "-c", "topic")
    sha = commit(shallow, "s.txt", "s\n")
    before = remote_refs(remote)
    done = run_git(shallow, "push", "origin", "topic:main")
    assert done.returncode != 0 and "BRG002" in done.stdout
    assert remote_refs(remote) == before
    done = run_git(shallow, "push", "-q", "origin", "topic")
    assert done.returncode == 0, done.stdout
    assert remote_refs(remote)["refs/heads/topic"] == sha


def test_sha256_repository(tmp_path: Path) -> None:
    remote, clone = make_remote_and_clone(tmp_path, object_format="sha256")
    before = remote_refs(remote)
    assert len(before["refs/heads/main"]) == 64
    sha = feature(clone)
    done = run_git(clone, "push", "origin", "feature:main")
    assert done.returncode != 0 and "BRG002" in done.stdout
    done = run_git(clone, "push", "origin", "--delete", "release/0.9")
    assert done.returncode != 0 and "BRG004" in done.stdout
    assert remote_refs(remote) == before
    assert run_git(clone, "push", "-q", "origin", "feature").returncode == 0
    assert remote_refs(remote)["refs/heads/feature"] == sha


def test_detached_head_commit_passes_and_its_push_to_main_is_refused(
    repos: tuple[Path, Path],
) -> None:
    remote, clone = repos
    git(clone, "switch", "-q", "--detach")
    sha = commit(clone, "d.txt", "d\n", verify=True)  # no branch to protect: allowed
    before = remote_refs(remote)
    done = run_git(clone, "push", "origin", "HEAD:main")
    assert done.returncode != 0
    assert "BRG002 [high] push updates protected branch 'main' from HEAD" in done.stdout
    assert remote_refs(remote) == before
    assert run_git(clone, "push", "-q", "origin", "HEAD:refs/heads/detached-work").returncode == 0
    assert remote_refs(remote)["refs/heads/detached-work"] == sha


def test_first_commit_of_an_empty_repository(tmp_path: Path) -> None:
    """An unborn `main`: the first commit creates the branch, nothing to protect yet; the
    first push of it to an empty remote creates a protected branch and is refused."""
    remote = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    repo = tmp_path / "new"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    for key, value in (
        ("user.email", "t@example.com"),
        ("user.name", "T"),
        ("commit.gpgsign", "false"),
    ):
        git(repo, "config", key, value)
    git(repo, "config", "core.hooksPath", str(REPO_ROOT / "hooks"))
    write_config(repo)
    commit(repo, "README.md", "hi\n", verify=True)
    git(repo, "remote", "add", "origin", str(remote))
    done = run_git(repo, "push", "origin", "main")
    assert done.returncode != 0 and "BRG002 [high] push creates protected branch 'main'" in (
        done.stdout
    )
    assert remote_refs(remote) == {}
