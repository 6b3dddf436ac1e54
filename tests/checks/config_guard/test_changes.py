"""config-guard's comparisons of the staged version with HEAD, on real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks import config_guard
from mlwarden.core.errors import UsageError
from tests.checks.config_guard.helpers import commit_files, ids, scan, write
from tests.conftest import git

PC = ".pre-commit-config.yaml"
GUARDED = """\
repos:
  - repo: https://github.com/mlwarden/mlwarden
    rev: v0.1.0
    hooks:
      - id: mlwarden-secrets
      - id: mlwarden-branch-guard
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0
    hooks:
      - id: check-yaml
"""
CODE = {"src/train.py": "x = 1\n", "src/load.py": "y = 2\n", "README.md": "hi\n"}


@pytest.fixture()
def guarded(git_repo: Path) -> Path:
    commit_files(git_repo, {PC: GUARDED, **CODE})
    return git_repo


def test_unchanged_config_is_clean(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ids(scan(guarded, monkeypatch, PC)) == []


def test_removed_mlwarden_hook(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(guarded, PC, GUARDED.replace("      - id: mlwarden-secrets\n", ""))
    result = scan(guarded, monkeypatch, PC)
    assert ids(result) == [("CFG007", PC, 1)]
    assert "'mlwarden-secrets' is removed" in result.findings[0].message


def test_removing_another_hook_is_fine(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(guarded, PC, GUARDED.replace("id: check-yaml", "id: end-of-file-fixer"))
    assert ids(scan(guarded, monkeypatch, PC)) == []


def test_hook_disabled_by_manual_stage(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        guarded,
        PC,
        GUARDED.replace(
            "      - id: mlwarden-secrets\n",
            "      - id: mlwarden-secrets\n        stages: [manual]\n",
        ),
    )
    result = scan(guarded, monkeypatch, PC)
    assert ids(result) == [("CFG007", PC, 5)]
    assert "no longer runs at" in result.findings[0].message
    # Narrowing to pre-push only still loses pre-commit; widening loses nothing.
    pre_push_only = "      - id: mlwarden-secrets\n        stages: [pre-push]\n"
    write(guarded, PC, GUARDED.replace("      - id: mlwarden-secrets\n", pre_push_only))
    assert ids(scan(guarded, monkeypatch, PC)) == [("CFG007", PC, 5)]


def test_exclude_over_code(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(guarded, PC, "exclude: ^src/\n" + GUARDED)
    result = scan(guarded, monkeypatch, PC)
    assert ids(result) == [("CFG008", PC, 6), ("CFG008", PC, 7)]
    assert (
        "now skips 2 tracked file(s) it used to check (src/load.py, src/train.py)"
        in result.findings[0].message
    )


def test_exclude_of_docs_only_is_fine(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        guarded,
        PC,
        GUARDED.replace(
            "      - id: mlwarden-secrets\n",
            "      - id: mlwarden-secrets\n        exclude: \\.md$\n",
        ),
    )
    assert ids(scan(guarded, monkeypatch, PC)) == []


def test_hook_repo_pointed_elsewhere(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(guarded, PC, GUARDED.replace("com/mlwarden/mlwarden", "com/mIwarden/mlwarden"))
    result = scan(guarded, monkeypatch, PC)
    assert ids(result) == [("CFG009", PC, 2), ("CFG009", PC, 2)]
    assert "now comes from 'https://github.com/mIwarden/mlwarden'" in result.findings[0].message
    # A rev bump (pre-commit autoupdate) is not a change of source.
    write(guarded, PC, GUARDED.replace("v0.1.0", "v0.2.0"))
    assert ids(scan(guarded, monkeypatch, PC)) == []


def test_new_config_and_first_commit(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No HEAD at all (unborn branch): the staged config is compared with nothing."""
    write(git_repo, PC, GUARDED)
    assert ids(scan(git_repo, monkeypatch, PC)) == []


def test_commit_range_compares_its_ends(guarded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = git(guarded, "rev-parse", "HEAD").stdout.strip()
    write(guarded, PC, GUARDED.replace("      - id: mlwarden-branch-guard\n", ""))
    git(guarded, "commit", "-q", "--no-verify", "-m", "drop guard")
    write(guarded, PC, GUARDED)  # the working tree is innocent again
    result = scan(guarded, monkeypatch, PC, commits=f"{base}..HEAD")
    assert ids(result) == [("CFG007", PC, 1)]


PIP_CONF = "[global]\nindex-url = https://pypi.org/simple\n"


@pytest.mark.parametrize(
    ("name", "before", "after", "line"),
    [
        ("pip.conf", PIP_CONF, PIP_CONF + "extra-index-url = https://evil.example/simple\n", 3),
        ("config/pip.ini", PIP_CONF, PIP_CONF.replace("pypi.org", "pypi.evil.example"), 2),
        (
            ".pypirc",
            "[pypi]\nusername = __token__\n",
            "[pypi]\nrepository = https://upload.evil.example/legacy/\n",
            2,
        ),
        (
            "uv.toml",
            'index-url = "https://pypi.org/simple"\n',
            'index-url = "https://pypi.org/simple"\n[[index]]\nurl = "https://evil.example/simple"\n',
            3,
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\n',
            '[project]\nname = "x"\n[[tool.poetry.source]]\nname = "corp"\n'
            'url = "https://evil.example/simple"\n',
            5,
        ),
        (
            "environment.yml",
            "channels:\n  - conda-forge\n",
            "channels:\n  - conda-forge\n  - evilchannel\n",
            3,
        ),
        (
            "envs/environment-gpu.yaml",
            "dependencies:\n  - pip\n",
            "dependencies:\n  - pip\n  - pip:\n    - --extra-index-url https://evil.example/s\n",
            4,
        ),
    ],
)
def test_package_index_added(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch, name: str, before: str, after: str, line: int
) -> None:
    commit_files(git_repo, {name: before})
    write(git_repo, name, after)
    result = scan(git_repo, monkeypatch, name)
    assert ids(result) == [("CFG010", name, line)]


def test_allowed_and_unchanged_indexes_pass(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corp = "[global]\nextra-index-url = https://pypi.corp.example/simple\n"
    commit_files(git_repo, {"pip.conf": corp})
    assert ids(scan(git_repo, monkeypatch, "pip.conf")) == []  # unchanged since HEAD
    write(git_repo, "pip.conf", corp + "index-url = https://pypi.org/simple/\n")
    assert ids(scan(git_repo, monkeypatch, "pip.conf")) == []  # pypi.org is allowed
    write(git_repo, "pip.conf", corp + "find-links = https://wheels.corp.example/\n")
    options = config_guard.Options(allowed_indexes=("https://wheels.corp.example",))
    assert ids(scan(git_repo, monkeypatch, "pip.conf", options=options)) == []


def test_index_credentials_are_not_repeated(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(git_repo, "pip.conf", "[global]\nindex-url = https://bob:s3cr3tpw@evil.example/simple\n")
    result = scan(git_repo, monkeypatch, "pip.conf")
    assert ids(result) == [("CFG010", "pip.conf", 2)]
    assert "s3cr3tpw" not in result.findings[0].message
    assert "https://***@evil.example/simple" in result.findings[0].message


DVC = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://ml-data/datasets\n"


def test_dvc_remote_moved(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_files(git_repo, {".dvc/config": DVC})
    write(git_repo, ".dvc/config", DVC.replace("ml-data", "attacker-bucket"))
    result = scan(git_repo, monkeypatch, ".dvc/config")
    assert ids(result) == [("CFG011", ".dvc/config", 4)]
    assert "new host 'attacker-bucket'" in result.findings[0].message
    # Same bucket, another prefix: not a new host.
    write(git_repo, ".dvc/config", DVC.replace("datasets", "datasets-v2"))
    assert ids(scan(git_repo, monkeypatch, ".dvc/config")) == []


def test_mlflow_and_wandb_endpoints(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_files(
        git_repo,
        {
            "configs/train.yaml": "mlflow:\n  tracking_uri: https://mlflow.corp.example\n",
            ".env": "WANDB_BASE_URL=https://wandb.corp.example\n",
            "configs/model.yaml": "lr: 0.1\n",
        },
    )
    write(git_repo, "configs/train.yaml", "mlflow:\n  tracking_uri: https://mlflow.evil.example\n")
    write(git_repo, ".env", "WANDB_BASE_URL=https://wandb.corp.example\n# note\n")
    write(git_repo, "configs/model.yaml", "lr: 0.2\n")
    result = scan(git_repo, monkeypatch, "configs/train.yaml", ".env", "configs/model.yaml")
    assert ids(result) == [("CFG011", "configs/train.yaml", 2)]


def test_codeowners_coverage(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wf = ".github/workflows/ci.yml"
    text = "on: push\npermissions:\n  contents: read\njobs: {}\n"
    commit_files(
        git_repo,
        {
            wf: text,
            PC: GUARDED,
            "pip.conf": PIP_CONF,
            ".github/CODEOWNERS": "/src/ @ml\n/.github/ @sec\n",
        },
    )
    result = scan(git_repo, monkeypatch, wf, PC, "pip.conf", ".github/CODEOWNERS")
    assert ids(result) == [("CFG012", PC, 1), ("CFG012", "pip.conf", 1)]
    write(git_repo, ".github/CODEOWNERS", "* @all\n/.github/workflows/ @sec\n*.conf\n")
    result = scan(git_repo, monkeypatch, wf, PC, "pip.conf")
    assert ids(result) == [("CFG012", "pip.conf", 1)]  # a matching line without owners


def test_no_codeowners_means_no_ownership_findings(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit_files(git_repo, {"pip.conf": PIP_CONF})
    assert ids(scan(git_repo, monkeypatch, "pip.conf")) == []


def test_bad_input(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(git_repo, "pip.conf", "index-url = no section header\n")
    write(git_repo, "uv.toml", "index-url = [unclosed\n")
    write(git_repo, PC, "repos: [\n")
    write(git_repo, "environment.yml", b"\xff\xfe\x00binary".decode("latin-1"))
    result = scan(git_repo, monkeypatch, "pip.conf", "uv.toml", PC, "environment.yml")
    assert result.findings == ()
    messages = {e.path: e.message for e in result.errors}
    assert messages["pip.conf"].startswith("invalid INI: File contains no section headers")
    assert messages["uv.toml"].startswith("invalid TOML:")
    with pytest.raises(UsageError, match=r"missing/pip\.conf: no such file or folder"):
        scan(git_repo, monkeypatch, "missing/pip.conf")
    assert "environment.yml" not in messages  # binary: skipped quietly
    assert PC not in messages  # a new config is not compared; HEAD has none


def test_mlwarden_config_weakened(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = '[tool.mlwarden]\ndisable = ["BRG001"]\n[tool.mlwarden.config-guard]\nzizmor = false\n'
    commit_files(git_repo, {"pyproject.toml": '[project]\nname = "x"\n' + base})
    weaker = (
        '[project]\nname = "x"\n[tool.mlwarden]\ndisable = ["BRG001", "SEC001"]\n'
        'exclude = ["src/"]\nmin-severity = "high"\n[tool.mlwarden.config-guard]\n'
        'zizmor = false\nallowed-indexes = ["https://evil.example/simple"]\n'
    )
    write(git_repo, "pyproject.toml", weaker)
    result = scan(git_repo, monkeypatch, "pyproject.toml")
    assert ids(result) == [
        ("CFG014", "pyproject.toml", 4),
        ("CFG014", "pyproject.toml", 5),
        ("CFG014", "pyproject.toml", 6),
        ("CFG014", "pyproject.toml", 7),
    ]
    messages = sorted(f.message for f in result.findings)
    assert "changes config-guard.allowed-indexes" in messages[0]
    assert "disables SEC001" in messages[1]
    # Re-enabling a rule or lowering min-severity only strengthens it.
    write(
        git_repo,
        "pyproject.toml",
        '[project]\nname = "x"\n[tool.mlwarden]\ndisable = []\n'
        'min-severity = "info"\n[tool.mlwarden.config-guard]\nzizmor = false\n',
    )
    assert ids(scan(git_repo, monkeypatch, "pyproject.toml")) == []


def test_dot_mlwarden_toml_weakened(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_files(
        git_repo, {".mlwarden.toml": '[branch-guard]\nprotected = ["main", "release/*"]\n'}
    )
    write(git_repo, ".mlwarden.toml", '[branch-guard]\nprotected = ["release/*"]\n')
    result = scan(git_repo, monkeypatch, ".mlwarden.toml")
    assert ids(result) == [("CFG014", ".mlwarden.toml", 1)]
    assert "changes branch-guard.protected" in result.findings[0].message
