from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.core.config import find_config_file, load_config
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Severity
from tests.conftest import make_repo, run_mlwarden


def test_pyproject_table_is_found_walking_up_to_the_git_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(
        '[tool.mlwarden]\nexclude = ["data/**"]\ndisable = ["sec001"]\nmin-severity = "high"\n'
    )
    sub = repo / "src" / "pkg"
    sub.mkdir(parents=True)
    config = load_config(cwd=sub)
    assert config.source == repo / "pyproject.toml"
    assert config.exclude == ("data/**",)
    assert config.disable == frozenset({"sec001"})
    assert config.min_severity is Severity.HIGH
    assert config.root == repo


def test_search_stops_at_the_git_root(tmp_path: Path) -> None:
    (tmp_path / ".mlwarden.toml").write_text('min-severity = "high"\n')
    repo = make_repo(tmp_path / "repo")
    assert find_config_file(repo) is None


def test_pyproject_without_our_table_is_skipped_for_a_dotfile_above(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".mlwarden.toml").write_text('exclude = ["x"]\n')
    sub = repo / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config_file(sub) == repo / ".mlwarden.toml"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.mlwarden]\nexclud = []\n", "unknown key 'tool.mlwarden.exclud'"),
        (
            '[tool.mlwarden]\nmin-severity = "loud"\n',
            "tool.mlwarden.min-severity: unknown severity",
        ),
        ("[tool.mlwarden]\ndisable = [1]\n", "tool.mlwarden.disable must be a list of strings"),
        ("[tool.mlwarden]\nmax-file-size = -1\n", "max-file-size must be a positive integer"),
        ("[tool.mlwarden.nohook]\n", "unknown key 'tool.mlwarden.nohook'"),
        ("[tool.mlwarden\n", "invalid TOML"),
    ],
)
def test_bad_config_is_a_one_line_usage_error(tmp_path: Path, body: str, message: str) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(body)
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace(".", r"\.")):
        load_config(cwd=repo)


def test_cli_exits_2_naming_the_key(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text("[tool.mlwarden]\nexclud = []\n")
    result = run_mlwarden(repo, "scan")
    assert result.returncode == 2
    assert result.stderr.strip() == "mlwarden: pyproject.toml: unknown key 'tool.mlwarden.exclud'"
    assert "Traceback" not in result.stderr


def test_explicit_config_path_overrides(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text('[tool.mlwarden]\nmin-severity = "high"\n')
    other = tmp_path / "other.toml"
    other.write_text('[tool.mlwarden]\nmin-severity = "info"\n')
    assert load_config(str(other), cwd=repo).min_severity is Severity.INFO
    with pytest.raises(UsageError, match="config file not found"):
        load_config(str(tmp_path / "missing.toml"), cwd=repo)
