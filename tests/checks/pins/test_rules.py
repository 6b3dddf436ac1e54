"""Rule catalogue, typosquat matching, and the hook through the real CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlwarden.checks import pins
from mlwarden.checks.pins.common import has_literal_credential, index_allowed, redact
from mlwarden.checks.pins.conda import conda_pinned
from mlwarden.checks.pins.typosquat import NameChecker, damerau
from tests.conftest import git, judge, run_mlwarden


def test_rules_are_complete_and_unique() -> None:
    rules = pins.HOOK.rules()
    ids = [r.id for r in rules]
    assert ids == [f"PIN{n:03d}" for n in range(1, 22)]
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
        "jina",  # a real package (neural search), not a misspelling of jinja
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
    # malformed ports and brackets are not allowed, and do not raise
    assert not index_allowed("https://h:abab/x", ("https://h",))
    assert not index_allowed("http://[::1/x", ("https://h",))
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
        "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.10.0\n"
    )
    proc = run_mlwarden(git_repo, "scan", "--hook", "pins", "--format", "json", "requirements.txt")
    report = json.loads(proc.stdout)
    assert [(f["rule_id"], f["line"], f["severity"]) for f in report["findings"]] == [
        ("PIN002", 2, "medium")
    ]


_PIECES = [
    "\n",
    "\\\n",
    " ",
    "#",
    "-r ",
    "-c ",
    "--hash=sha256:ab",
    "==1.0",
    ">=2",
    "numpy",
    "torch",
    "git+https://x/y@main",
    "https://u:p@h/",
    "[",
    "]",
    "{",
    "}",
    ":",
    "- ",
    "  ",
    '"',
    "'",
    "uses: a/b@v1",
    "rev: main",
    "FROM x",
    "RUN pip install y",
    "\\",
    "$(",
    "|",
    "\x00",
    "é",
    "&a ",
    "*a",
    "[[tool.uv.index]]",
    "url = ",
    "dependencies = [",
    "pip:",
]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.integers(0, 5))
def test_no_input_crashes_the_hook(pieces: list[str], kind: int) -> None:
    import tempfile

    from mlwarden.checks.pins import Options

    name = (
        "requirements.txt",
        "pyproject.toml",
        "environment.yml",
        "Dockerfile",
        ".github/workflows/ci.yml",
        ".pre-commit-config.yaml",
    )[kind]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(pieces), encoding="utf-8")
        result = judge("pins", root, (name,), Options())
    assert all("\n" not in e.message for e in result.errors)


@pytest.mark.parametrize(
    "path",
    [
        "requirements.txt",
        "svc/requirements-gpu.txt",
        "requirements/base.txt",
        "requirements.d/x.txt",
        "constraints.txt",
        "dev-requirements.in",
        "notes.txt",
        "pyproject.toml",
        "uv.lock",
        "poetry.lock",
        "Pipfile.lock",
        "pylock.toml",
        "environment.yml",
        "conda/environment-cuda.yaml",
        "env.yml",
        "Dockerfile",
        "docker/Dockerfile.gpu",
        "train.dockerfile",
        "Containerfile",
        ".github/workflows/ci.yml",
        "sub/.github/workflows/ci.yaml",
        ".github/actions/x/action.yml",
        ".pre-commit-config.yaml",
        "config.yaml",
        "src/model.py",
    ],
)
def test_manifest_pattern_matches_classify(path: str) -> None:
    assert bool(re.search(pins.MANIFEST_FILES, path)) == (pins.classify(path) is not None)


@pytest.mark.skipif(
    shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None,
    reason="pre-commit not installed",
)
def test_through_pre_commit(git_repo: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert pre_commit
    config = {
        "repos": [
            {
                "repo": "local",
                "hooks": [
                    {
                        "id": "mlwarden-pins",
                        "name": "mlwarden pins",
                        "entry": f"{sys.executable} -m mlwarden.entrypoints pins",
                        "language": "system",
                        "files": pins.MANIFEST_FILES,
                    }
                ],
            }
        ]
    }
    (git_repo / ".pre-commit-config.yaml").write_text(json.dumps(config))
    (git_repo / "requirements.txt").write_text("numpy>=1\n")
    (git_repo / "train.py").write_text("print(1)\n")
    git(git_repo, "add", "-A")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    proc = subprocess.run(
        [pre_commit, "run", "--all-files"], cwd=git_repo, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "requirements.txt:1:1: PIN001 [medium]" in proc.stdout
    (git_repo / "requirements.txt").write_text("numpy==1.26.4\n")
    git(git_repo, "add", "-A")
    proc = subprocess.run(
        [pre_commit, "run", "--all-files"], cwd=git_repo, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
