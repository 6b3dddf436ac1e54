"""Rule catalogue, typosquat matching, and the hook through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlwarden.checks import pins
from mlwarden.checks.pins_common import has_literal_credential, index_allowed, redact
from mlwarden.checks.pins_conda import conda_pinned
from mlwarden.checks.pins_typosquat import NameChecker, damerau
from tests.conftest import git, run_mlwarden


def test_rules_are_complete_and_unique() -> None:
    rules = pins.rules()
    ids = [r.id for r in rules]
    assert ids == [f"PIN{n:03d}" for n in range(1, 21)]
    for rule in rules:
        assert rule.hook == "pins"
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.instead
        assert rule.doc.references
        assert f"# {rule.id}: {rule.slug}" in rule.markdown()


@pytest.fixture(scope="module")
def checker() -> NameChecker:
    return NameChecker.load()


def test_popular_list_is_large_enough(checker: NameChecker) -> None:
    assert len(checker.popular) >= 300
    assert {"torch", "transformers", "scikit-learn", "anthropic", "huggingface-hub"} <= set(
        checker.popular
    )
    assert {"torchtriton", "sklearn"} <= set(checker.bad)


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("transfomers", "transformers"),  # dropped letter
        ("tensorflwo", "tensorflow"),  # swapped letters
        ("langchian", "langchain"),
        ("scikitlearn", "scikit-learn"),  # separator
        ("huggingface-hib", "huggingface-hub"),
        ("pynumpy", "numpy"),  # py prefix
        ("python-requests", "requests"),
        ("pandas-python", "pandas"),
        ("anthropicc", "anthropic"),
        ("sentence-transfromers", "sentence-transformers"),
    ],
)
def test_lookalikes(checker: NameChecker, name: str, target: str) -> None:
    assert checker.lookalike(name) == target


@pytest.mark.parametrize(
    "name",
    [
        "scipy",
        "scapy",
        "simpy",
        "wand",
        "dataset",
        "torchx",
        "cupy-cuda13x",
        "pandas-ta",
        "sklearn-pandas",
        "my-internal-lib",
        "pydash",
        "attr",
        "ray",
        "jax",
    ],
)
def test_not_lookalikes(checker: NameChecker, name: str) -> None:
    assert checker.lookalike(name) is None


def test_damerau() -> None:
    assert damerau("abcd", "abdc") == 1
    assert damerau("torch", "torch") == 0
    assert damerau("kitten", "sitting") == 3


def test_url_helpers() -> None:
    assert has_literal_credential("https://u:p@h/simple")
    assert has_literal_credential("https://ghp_abcdefghijklmnopqrstuvwxyz@github.com/x")
    assert not has_literal_credential("https://u:${TOKEN}@h/simple")
    assert not has_literal_credential("ssh://git@github.com/org/repo")
    assert redact("https://u:p@h/simple") == "https://***@h/simple"
    assert index_allowed(
        "https://Download.PyTorch.org/whl/cu121/", ("https://download.pytorch.org/whl",)
    )
    assert not index_allowed(
        "https://download.pytorch.org/whlx", ("https://download.pytorch.org/whl",)
    )


@pytest.mark.parametrize(
    ("rest", "pinned"),
    [
        ("", False),
        ("=1.26", False),
        (">=1", False),
        ("1.*", False),
        ("=1.26.4", True),
        ("==1.26", True),
        ("1.26.4", True),
        ("=1.26=py311h", True),
        ("11.8.0 h37601d7_11", True),
    ],
)
def test_conda_pins(rest: str, pinned: bool) -> None:
    assert conda_pinned(rest) is pinned


def test_cli_end_to_end(git_repo: Path) -> None:
    (git_repo / "requirements.txt").write_text("numpy==1.26.4\n")
    (git_repo / ".github/workflows").mkdir(parents=True)
    (git_repo / ".github/workflows/ci.yml").write_text("jobs:\n  x: [\n")
    git(git_repo, "add", "-A")
    # Only the hash note (info) and a YAML error: exit 0, no traceback.
    proc = run_mlwarden(git_repo, "scan", "--hook", "pins", "--format", "json")
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert [(f["rule_id"], f["path"], f["line"], f["severity"]) for f in report["findings"]] == [
        ("PIN002", "requirements.txt", 1, "info")
    ]
    assert [e["path"] for e in report["errors"]] == [".github/workflows/ci.yml"]
    (git_repo / "requirements.txt").write_text("numpy>=1  # mlwarden: ignore[PIN001]\n\nflask>=3\n")
    proc = run_mlwarden(git_repo, "scan", "--hook", "pins", "--format", "json", "requirements.txt")
    assert proc.returncode == 1, proc.stderr
    found = [(f["rule_id"], f["line"]) for f in json.loads(proc.stdout)["findings"]]
    assert found == [("PIN002", 1), ("PIN001", 3)]


def test_config_options_from_pyproject(git_repo: Path) -> None:
    (git_repo / "pyproject.toml").write_text(
        '[tool.mlwarden.pins]\nallowed-indexes = ["https://download.pytorch.org/whl"]\n'
        "require-hashes = true\n"
    )
    (git_repo / "requirements.txt").write_text(
        "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.4.1\n"
    )
    proc = run_mlwarden(git_repo, "scan", "--hook", "pins", "--format", "json", "requirements.txt")
    report = json.loads(proc.stdout)
    assert [(f["rule_id"], f["line"], f["severity"]) for f in report["findings"]] == [
        ("PIN002", 2, "medium")
    ]
