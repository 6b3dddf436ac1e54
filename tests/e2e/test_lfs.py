"""Git LFS is read through, not around: a pickle stored through LFS is judged by its
object at commit, in `--commits`, at pre-push and from a pointer in the work tree; a
pointer whose object is not here fails the run (MLW004) unless CI says it skips LFS.

These use the real git-lfs when it is installed (`.ci/run` installs it); otherwise the
pointer and the local object are written exactly as git-lfs writes them (the spec is a
fixed text format), so the reading side is tested either way.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.checks.models.test_helpers import evil, torch_zip
from tests.conftest import git, make_repo, run_entrypoint, run_mlwarden

HAS_GIT_LFS = shutil.which("git-lfs") is not None
ZERO = "0" * 40


def pointer(data: bytes) -> tuple[str, bytes]:
    oid = hashlib.sha256(data).hexdigest()
    text = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n"
    return oid, text.encode()


def store(repo: Path, data: bytes) -> Path:
    """The object where git-lfs keeps it: .git/lfs/objects/aa/bb/<oid>."""
    oid, _ = pointer(data)
    target = repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def lfs_commit(repo: Path, name: str, data: bytes, real: bool = HAS_GIT_LFS) -> str:
    """Commit `name` through LFS: git stores the pointer, the store holds the bytes."""
    (repo / ".gitattributes").write_text("*.pt filter=lfs diff=lfs merge=lfs -text\n")
    if real:
        git(repo, "lfs", "install", "--local")
        (repo / name).write_bytes(data)
        git(repo, "add", ".gitattributes", name)
    else:
        store(repo, data)
        (repo / name).write_bytes(pointer(data)[1])
        git(repo, "add", ".gitattributes", name)
    git(repo, "commit", "-q", "--no-verify", "-m", f"add {name}")
    blob = git(repo, "cat-file", "-p", f"HEAD:{name}").stdout
    assert blob.startswith("version https://git-lfs.github.com/spec/v1"), blob
    return git(repo, "rev-parse", "HEAD").stdout.strip()


def findings(done: object) -> list[tuple[str, str]]:
    report = json.loads(done.stdout)  # type: ignore[attr-defined]
    return sorted((f["rule_id"], f["path"]) for f in report["findings"])


@pytest.mark.parametrize(
    "real",
    [
        pytest.param(
            True, id="git-lfs", marks=pytest.mark.skipif(not HAS_GIT_LFS, reason="no git-lfs")
        ),
        pytest.param(False, id="pointer-format"),
    ],
)
def test_a_pickle_stored_through_lfs_is_judged_in_every_mode(tmp_path: Path, real: bool) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "README.md").write_text("demo\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "--no-verify", "-m", "init")
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    tip = lfs_commit(repo, "model.pt", torch_zip(evil()), real)
    expected = [("MOD001", "model.pt"), ("MOD003", "model.pt")]
    args = ("scan", "--hook", "models", "--format", "json")
    assert findings(run_mlwarden(repo, *args)) == expected
    assert findings(run_mlwarden(repo, *args, "--commits", f"{base}..{tip}")) == expected
    # The pre-push guard judges the pushed range through the same code.
    (repo / ".mlwarden.toml").write_text('[branch-guard]\nscan-hooks = ["models"]\n')
    push = f"refs/heads/feature {tip} refs/heads/feature {ZERO}\n"
    done = run_entrypoint(repo, "branch-guard", "--stdin", "origin", "url", input=push)
    assert done.returncode == 1
    assert "model.pt:1:1: MOD001 [high]" in done.stdout
    # At commit time the index holds the pointer; the object is already in the store.
    more = torch_zip(evil("subprocess", "Popen"))
    if real:
        (repo / "more.pt").write_bytes(more)
    else:
        store(repo, more)
        (repo / "more.pt").write_bytes(pointer(more)[1])
    git(repo, "add", "more.pt")
    staged = run_mlwarden(repo, *args, "--staged")
    assert findings(staged) == [("MOD001", "more.pt"), ("MOD003", "more.pt")]


def test_a_pointer_in_the_work_tree_is_judged_by_its_object(tmp_path: Path) -> None:
    """What CI sees by default: `actions/checkout` leaves LFS files as pointers."""
    data = torch_zip(evil())
    repo = make_repo(tmp_path / "repo")
    (repo / "model.pt").write_bytes(pointer(data)[1])
    git(repo, "add", "model.pt")
    git(repo, "commit", "-q", "--no-verify", "-m", "pointer")
    args = ("scan", "--hook", "models", "--hook", "secrets", "--format", "json")
    missing = run_mlwarden(repo, *args)
    assert findings(missing) == [("MLW004", "model.pt")]
    assert missing.returncode == 1
    assert "git lfs pull" in json.loads(missing.stdout)["findings"][0]["message"]
    store(repo, data)
    assert findings(run_mlwarden(repo, *args)) == [("MOD001", "model.pt"), ("MOD003", "model.pt")]


def test_ci_that_skips_lfs_on_purpose_says_so(tmp_path: Path) -> None:
    data = torch_zip(evil())
    repo = make_repo(tmp_path / "repo")
    (repo / ".mlwarden.toml").write_text('lfs = "skip-missing"\n')
    (repo / "model.pt").write_bytes(pointer(data)[1])
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "pointer")
    done = run_mlwarden(repo, "scan", "--hook", "models", "--format", "json")
    assert findings(done) == [] and done.returncode == 0
