"""Config belongs to the scanned repository: found per file, between its folder and the
repository root; excludes inherited downwards; the config before a change judges it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.core.config import weakenings
from mlwarden.core.discovery import ConfigResolver, excluded_by, load_config
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Severity
from tests.conftest import make_repo, run_mlwarden


def disk(root: Path) -> ConfigResolver:
    def read(path: str) -> bytes | None:
        target = root / path
        return target.read_bytes() if target.is_file() else None

    return ConfigResolver(root, read)


def test_each_file_gets_the_nearest_config_up_to_the_repository_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(
        '[tool.mlwarden]\nexclude = ["data/**"]\ndisable = ["sec001"]\nmin-severity = "high"\n'
    )
    (repo / "svc").mkdir()
    (repo / "svc" / ".mlwarden.toml").write_text('min-severity = "info"\n')
    resolver = disk(repo)
    top = resolver.for_path("src/pkg/a.py")
    assert (top.source, top.folder, top.root) == (Path("pyproject.toml"), "", repo)
    assert top.exclude == ("data/**",) and top.disable == frozenset({"sec001"})
    assert top.min_severity is Severity.HIGH
    nested = resolver.for_path("svc/app.py")
    assert (nested.source, nested.folder, nested.min_severity) == (
        Path("svc/.mlwarden.toml"),
        "svc",
        Severity.INFO,
    )


def test_a_parent_exclude_reaches_into_a_nested_project(tmp_path: Path) -> None:
    """A folder the repository excludes stays excluded, own config or not."""
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text('[tool.mlwarden]\nexclude = ["vendor/**"]\n')
    (repo / "vendor" / "lib").mkdir(parents=True)
    (repo / "vendor" / "lib" / ".mlwarden.toml").write_text('exclude = ["tests/**"]\n')
    resolver = disk(repo)
    chain = resolver.chain("vendor/lib/x.py")
    assert excluded_by(chain, "vendor/lib/x.py") == "pyproject.toml: 'vendor/**'"
    # The nested config's own patterns are relative to its folder.
    other = resolver.chain("src/lib/tests/x.py")
    assert excluded_by(other, "src/lib/tests/x.py") is None


def test_config_above_the_repository_is_not_the_repositorys(tmp_path: Path) -> None:
    (tmp_path / ".mlwarden.toml").write_text('min-severity = "high"\n')
    repo = make_repo(tmp_path / "repo")
    assert load_config(cwd=repo).source is None
    assert load_config(cwd=repo).min_severity is Severity.LOW


def test_a_pyproject_without_our_table_is_not_a_config(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".mlwarden.toml").write_text('exclude = ["x"]\n')
    (repo / "pkg").mkdir()
    (repo / "pkg" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert disk(repo).for_path("pkg/a.py").source == Path(".mlwarden.toml")


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
        ('[tool.mlwarden]\nerrors = "ignore"\n', "tool.mlwarden.errors must be one of fail, warn"),
        ('[tool.mlwarden]\nlfs = "off"\n', "lfs must be one of require, skip-missing"),
        ("[tool.mlwarden.nohook]\n", "unknown key 'tool.mlwarden.nohook'"),
        ("[tool.mlwarden\n", "invalid TOML"),
    ],
)
def test_bad_config_is_a_one_line_usage_error(tmp_path: Path, body: str, message: str) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(body)
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace(".", r"\.")):
        load_config(cwd=repo)


def test_cli_exits_2_naming_the_file_and_key_from_any_folder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text("[tool.mlwarden]\nexclud = []\n")
    (repo / "a.py").write_text("x = 1\n")
    result = run_mlwarden(repo, "scan")
    assert result.returncode == 2
    assert result.stderr.strip() == "mlwarden: pyproject.toml: unknown key 'tool.mlwarden.exclud'"
    # From the parent folder the scanned repository's config is read, not the cwd's.
    parent = run_mlwarden(tmp_path, "scan", "repo")
    assert parent.returncode == 2
    assert parent.stderr.strip() == (
        "mlwarden: repo/pyproject.toml: unknown key 'tool.mlwarden.exclud'"
    )
    assert "Traceback" not in result.stderr + parent.stderr


def test_explicit_config_replaces_discovery(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text('[tool.mlwarden]\nmin-severity = "high"\n')
    other = tmp_path / "other.toml"
    other.write_text('[tool.mlwarden]\nmin-severity = "info"\n')
    assert load_config(str(other), cwd=repo).min_severity is Severity.INFO
    with pytest.raises(UsageError, match="config file not found"):
        load_config(str(tmp_path / "missing.toml"), cwd=repo)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({}, {"exclude": ["**"]}, [("exclude", "excludes **")]),
        ({"exclude": ["a/"]}, {"exclude": ["a/"]}, []),
        ({"disable": ["SEC001"]}, {}, []),
        ({}, {"disable": ["SEC001"]}, [("disable", "disables SEC001")]),
        ({}, {"min-severity": "critical"}, [("min-severity", "raises min-severity to critical")]),
        ({"min-severity": "high"}, {"min-severity": "low"}, []),
        ({}, {"errors": "warn"}, [("errors", "sets errors = 'warn'")]),
        ({}, {"lfs": "skip-missing"}, [("lfs", "sets lfs = 'skip-missing'")]),
        ({}, {"max-file-size": 10}, []),
        (
            {"secrets": {"generic": True}},
            {"secrets": {"generic": False}},
            [("secrets", "changes secrets.generic")],
        ),
    ],
)
def test_what_counts_as_weakening(
    old: dict[str, object], new: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert list(weakenings(old, new)) == expected
