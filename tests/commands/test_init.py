"""`mlwarden init`: the configs it writes are valid for pre-commit in every layout, keep what
was there (comments, order, indentation), never leave an invalid file, and say what changed.

Layouts are minimal configs of our own that reproduce the shapes found in real repositories:
pre-commit's `sample-config` (entries at column 0, four-space items), two-space entries with
blank lines and comments inside lists, irregular dash offsets, a `ci:` table after `repos:`.
The end-to-end run through real pre-commit is in tests/e2e/test_release.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlwarden import __version__
from mlwarden.commands import init, init_ci
from mlwarden.core import precommit
from tests.conftest import make_repo, run_mlwarden

IDS = [entry["id"] for entry in init.manifest_hooks()]

INDENTED = """\
# A project's own hooks. Keep the list sorted.
exclude: ^(vendor/|tests/data/)
repos:
  - repo: local
    hooks:
      - id: no-print
        name: no print statements
        language: pygrep
        entry: '\\bprint\\('
        types: [python]

      - id: docs-check
        name: docs check
        language: python
        entry: python -m docs_check
        additional_dependencies:
          - commonmark>=0.9

          # used by the link checker
          - requests>=2.31

  - repo: https://github.com/pycqa/isort
    rev: 5.13.2
    hooks:
      - id: isort
"""
IRREGULAR = """\
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
    -   id: check-yaml
-   repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.10.0
    hooks:
     -  id: mypy
        args:
          - --ignore-missing-imports
        files: src/
"""
FLAT_WITH_CI_TABLE = """\
default_language_version:
  python: python3
repos:
- repo: meta
  hooks:
  - id: check-hooks-apply
  - id: check-useless-excludes
ci:
  autofix_prs: false  # pre-commit.ci: never push to contributors' branches
  skip: [check-hooks-apply]
"""


def sample_config() -> str:
    """pre-commit's own `sample-config`, from the installed pre-commit."""
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "sample-config"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


LAYOUTS = {
    "sample-config": sample_config,
    "indented": lambda: INDENTED,
    "irregular": lambda: IRREGULAR,
    "flat-with-ci-table": lambda: FLAT_WITH_CI_TABLE,
}


def is_subsequence(old: list[str], new: list[str]) -> bool:
    it = iter(new)
    return all(line in it for line in old)


def hook_ids(path: Path) -> list[str]:
    return [entry.id for entry in precommit.hook_entries(precommit.load(path))]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_merge_keeps_every_line_and_validates(layout: str, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    original = LAYOUTS[layout]()
    config = repo / ".pre-commit-config.yaml"
    config.write_text(original)
    before_ids = hook_ids(config)

    first = run_mlwarden(repo, "init")
    assert first.returncode == 0, first.stderr
    assert f"added {', '.join(IDS)}" in first.stdout
    assert "checked with pre-commit's validator" in first.stdout
    merged = config.read_text()
    ids = hook_ids(config)
    assert ids == before_ids + IDS  # theirs first, in order; ours appended
    if layout != "irregular":  # ruamel normalises an inconsistent dash offset, nothing else
        assert is_subsequence(original.splitlines(), merged.splitlines())
    assert all(c in merged for c in (line for line in original.splitlines() if "#" in line))
    loaded = yaml.safe_load(merged)
    assert loaded["default_install_hook_types"] == ["pre-commit", "pre-push"]
    ours = loaded["repos"][-1]
    assert ours["repo"] == "local"
    assert {h["language"] for h in ours["hooks"]} == {"python"}
    assert {tuple(h["additional_dependencies"]) for h in ours["hooks"]} == {
        (f"mlwarden=={__version__}",)
    }
    if layout == "flat-with-ci-table":
        keys = ["default_install_hook_types", "default_language_version", "repos", "ci"]
        assert list(loaded) == keys
        assert loaded["ci"] == {"autofix_prs": False, "skip": ["check-hooks-apply"]}

    second = run_mlwarden(repo, "init")
    assert second.returncode == 0, second.stderr
    assert "left unchanged, it already runs every mlwarden hook" in second.stdout
    assert config.read_text() == merged


def test_sample_config_layout_is_kept_exactly(tmp_path: Path) -> None:
    """Entries at column 0 get an entry at column 0 with the same item indentation."""
    repo = make_repo(tmp_path / "repo")
    original = sample_config()
    (repo / ".pre-commit-config.yaml").write_text(original)
    assert run_mlwarden(repo, "init").returncode == 0
    merged = (repo / ".pre-commit-config.yaml").read_text()
    comments, repos, entries = original.partition("repos:\n")
    kept = comments + "default_install_hook_types: [pre-commit, pre-push]\n" + repos + entries
    assert merged.startswith(kept)
    added = merged[len(kept) :]
    assert added.startswith("-   repo: local\n    hooks:\n    -   id: mlwarden-secrets\n")


def test_fresh_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = run_mlwarden(repo, "init")
    assert result.returncode == 0, result.stderr
    config = repo / ".pre-commit-config.yaml"
    assert hook_ids(config) == IDS
    assert config.read_text().startswith(init.HEADER)
    assert (repo / ".mlwarden.toml").exists()
    assert "pip-audit" in result.stdout
    assert not list(repo.glob(".*.tmp"))


def test_from_a_subfolder_it_writes_at_the_top_of_the_work_tree(tmp_path: Path) -> None:
    # pre-commit reads `.pre-commit-config.yaml` at the top only: written in `src/` it would
    # never run.
    repo = make_repo(tmp_path / "repo")
    (repo / "src" / "pkg").mkdir(parents=True)
    result = run_mlwarden(repo / "src" / "pkg", "init", "--ci", "github")
    assert result.returncode == 0, result.stderr
    assert f"writing at the repository's top, {repo.resolve()}" in result.stdout
    assert hook_ids(repo / ".pre-commit-config.yaml") == IDS
    assert (repo / ".github" / "workflows" / "mlwarden.yml").is_file()
    assert not list((repo / "src").rglob(".pre-commit-config.yaml"))


def test_outside_a_repository_it_writes_where_it_runs(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    result = run_mlwarden(folder, "init")
    assert result.returncode == 0, result.stderr
    assert "repository's top" not in result.stdout
    assert hook_ids(folder / ".pre-commit-config.yaml") == IDS


def test_remote_form_pins_this_version(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    url = "https://git.example.org/tools/mlwarden"
    assert run_mlwarden(repo, "init", "--repo", url).returncode == 0
    loaded = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    assert loaded["repos"] == [
        {"repo": url, "rev": f"v{__version__}", "hooks": [{"id": i} for i in IDS]}
    ]
    # the old spelling still works
    other = make_repo(tmp_path / "other")
    assert run_mlwarden(other, "init", "--repo-url", url, "--rev", "v9").returncode == 0
    written = yaml.safe_load((other / ".pre-commit-config.yaml").read_text())
    assert written["repos"][0]["rev"] == "v9"


def test_partial_install_gets_the_missing_hooks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    config = repo / ".pre-commit-config.yaml"
    config.write_text(
        "default_install_hook_types: [pre-commit]\nrepos:\n  - repo: local\n    hooks:\n"
        "      - id: mlwarden-secrets\n        name: s\n        entry: mlwarden-secrets\n"
        "        language: system\n"
    )
    result = run_mlwarden(repo, "init")
    assert result.returncode == 0, result.stderr
    assert "added pre-push to default_install_hook_types" in result.stdout
    assert hook_ids(config) == IDS  # secrets once: the user's own entry is kept
    assert yaml.safe_load(config.read_text())["default_install_hook_types"] == [
        "pre-commit",
        "pre-push",
    ]


def test_an_invalid_config_is_refused_and_untouched(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    config = repo / ".pre-commit-config.yaml"
    broken = "repos:\n  - repo: https://example.org/x\n    hooks:\n      - id: x\n"  # no rev
    config.write_text(broken)
    result = run_mlwarden(repo, "init")
    assert result.returncode == 2
    assert "already invalid for pre-commit" in result.stderr and "rev" in result.stderr
    assert config.read_text() == broken
    assert sorted(p.name for p in repo.iterdir()) == [".git", ".pre-commit-config.yaml"]


def test_a_merge_pre_commit_refuses_is_never_written(tmp_path: Path) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(FLAT_WITH_CI_TABLE)
    with pytest.raises(init.InitError, match="would be invalid"):
        init.write_validated(config, FLAT_WITH_CI_TABLE + "repos: 3\n")
    with pytest.raises(init.InitError, match="lacks mlwarden-secrets"):
        init.write_validated(config, FLAT_WITH_CI_TABLE)
    assert config.read_text() == FLAT_WITH_CI_TABLE
    assert sorted(p.name for p in tmp_path.iterdir()) == [".pre-commit-config.yaml"]


def test_comment_only_file_keeps_its_comments(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    config = repo / ".pre-commit-config.yaml"
    config.write_text("# hooks will go here\n")
    assert run_mlwarden(repo, "init").returncode == 0
    assert config.read_text().startswith("# hooks will go here\ndefault_install_hook_types:")
    assert hook_ids(config) == IDS


def test_ci_workflow_passes_mlwarden_own_hooks(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    result = run_mlwarden(repo, "init", "--ci", "github")
    assert result.returncode == 0, result.stderr
    workflow = repo / init_ci.WORKFLOW
    loaded = yaml.safe_load(workflow.read_text())
    steps = loaded["jobs"]["mlwarden"]["steps"]
    assert [s.get("uses", "").split("@")[0] for s in steps if "uses" in s] == [
        "actions/checkout",
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    ]
    assert f'"mlwarden=={__version__}"' in workflow.read_text()
    assert loaded["jobs"]["mlwarden"]["permissions"] == {
        "contents": "read",
        "security-events": "write",
    }
    scan = run_mlwarden(
        repo,
        "scan",
        "--hook",
        "pins",
        "--hook",
        "config-guard",
        init_ci.WORKFLOW,
        ".pre-commit-config.yaml",
    )
    assert (scan.returncode, scan.stdout) == (0, ""), scan.stderr
    again = run_mlwarden(repo, "init", "--ci", "github")
    assert f"{init_ci.WORKFLOW}: left unchanged, it is current" in again.stdout


def test_ci_workflow_uses_the_action_at_a_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    sha = "0123456789abcdef0123456789abcdef01234567"
    url = "https://github.com/example-org/mlwarden"
    result = run_mlwarden(repo, "init", "--ci", "github", "--repo", url, "--rev", sha)
    assert result.returncode == 0, result.stderr
    text = (repo / init_ci.WORKFLOW).read_text()
    assert f"uses: example-org/mlwarden@{sha}  # mlwarden v{__version__}" in text
    scan = run_mlwarden(repo, "scan", "--hook", "pins", "--hook", "config-guard", init_ci.WORKFLOW)
    assert (scan.returncode, scan.stdout) == (0, ""), scan.stderr
    # a tag is not a pin: the inline form, and how to get the action form
    other = make_repo(tmp_path / "other")
    tagged = run_mlwarden(other, "init", "--ci", "github", "--repo", url)
    assert "uses: example-org/mlwarden@" not in (other / init_ci.WORKFLOW).read_text()
    assert "--rev <commit SHA of" in tagged.stdout
