"""The release as a user gets it: `python -m build` output, installed in a fresh venv, the
bundled example scanned end to end, `mlwarden init` then `git commit` through real
pre-commit (which installs mlwarden from a local wheel index and its dependencies from the
package index), and the GitHub Action's YAML and scripts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mlwarden import __version__
from tests.conftest import REPO_ROOT, git, make_repo, run_mlwarden

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX venv layout")


def user_env(home: Path, venv_dir: Path, **extra: str) -> dict[str, str]:
    """A shell where the user activated `venv_dir`; pip may also look in `home/dist`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.pop("PYTHONPATH", None)
    env.update(
        PATH=f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv_dir),
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        SEMGREP_ENABLE_VERSION_CHECK="0",
        SEMGREP_SEND_METRICS="off",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        **extra,
    )
    return env


def run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m build` of this tree: an sdist, and a wheel built from it."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO_ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with only the built wheel (and its dependencies) installed."""
    venv_dir = tmp_path_factory.mktemp("user") / "venv"
    venv.create(venv_dir, with_pip=True)
    (wheel,) = dist.glob("mlwarden-*.whl")
    done = subprocess.run(
        [str(venv_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    yield venv_dir


def test_sdist_and_wheel_ship_the_rule_packs_hooks_and_data(dist: Path) -> None:
    (wheel,) = dist.glob(f"mlwarden-{__version__}-py3-none-any.whl")
    (sdist,) = dist.glob(f"mlwarden-{__version__}.tar.gz")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "mlwarden/git_hooks/pre-commit",
        "mlwarden/git_hooks/pre-push",
        "mlwarden/semgrep_rules/deserialization/SG001.yaml",
        "mlwarden/checks/pins/advisories.toml",
        "mlwarden/pre_commit_hooks.yaml",
        "mlwarden/data/popular_packages.txt",
    ):
        assert expected in names, expected
    assert f"mlwarden-{__version__}.dist-info/entry_points.txt" in names
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    for expected in (
        "semgrep-rules/deserialization/SG001.yaml",
        "hooks/pre-commit",
        "src/mlwarden/checks/pins/advisories.toml",
        ".pre-commit-hooks.yaml",
        "CHANGELOG.md",
    ):
        assert expected in members, expected


def test_fresh_venv_runs_the_bundled_example(installed: Path, tmp_path: Path) -> None:
    env = user_env(tmp_path, installed)
    version = run(tmp_path, env, "mlwarden", "--version")
    assert version.stdout.strip() == f"mlwarden {__version__}", version.stderr
    example = tmp_path / "ml-project"
    shutil.copytree(REPO_ROOT / "examples" / "ml-project", example)
    make_repo(example)
    git(example, "add", "-A")
    result = run(
        example, env, "mlwarden", "scan", "--format", "json", "--config", ".mlwarden.toml", "."
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    seen = {(f["hook"], f["path"], f["rule_id"]) for f in report["findings"]}
    for expected in (
        ("secrets", ".env", "SEC001"),
        ("semgrep", "src/trainer/train.py", "SG001"),
        ("bandit", "src/trainer/train.py", "B615"),
        ("models", "models/classifier.pkl", "MOD001"),
        ("pins", "requirements.txt", "PIN003"),
        ("pins", "requirements.txt", "PIN019"),
    ):
        assert expected in seen, (expected, sorted(seen))
    assert any(hook == "config-guard" for hook, _, _ in seen), seen
    assert report["errors"] == []


# --- `mlwarden init` then `git commit`, through real pre-commit ---------------------------

COLUMN_ZERO = """\
# See https://pre-commit.com for more information
repos:
-   repo: meta
    hooks:
    -   id: check-useless-excludes
-   repo: local
    hooks:
    -   id: no-tabs
        name: no tabs in python
        language: pygrep
        entry: "\\t"
        types: [python]
"""
INDENTED = """\
# Project hooks.
exclude: ^vendor/
repos:
  - repo: local
    hooks:
      - id: compiles
        name: python files compile
        language: python
        entry: python -m py_compile
        types: [python]

      - id: no-tabs
        name: no tabs in python
        language: pygrep
        entry: "\\t"
        types: [python]
"""
THEIR_HOOKS = {
    "fresh": [],
    "column-zero": ["Check for useless excludes", "no tabs in python"],
    "indented": ["python files compile", "no tabs in python"],
}
OUR_HOOKS = (
    "mlwarden secrets",
    "mlwarden semgrep (ML rules)",
    "mlwarden bandit (ML profile)",
    "mlwarden model artifacts",
    "mlwarden dependency pins",
    "mlwarden config guard",
    "mlwarden branch guard",
)


@pytest.mark.parametrize("layout", ["fresh", "column-zero", "indented"])
def test_init_then_commit_runs_every_hook(
    layout: str, installed: Path, dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # One pre-commit cache for the layouts: mlwarden's hook environment is built once.
    home = tmp_path_factory.getbasetemp() / "user-home"
    home.mkdir(exist_ok=True)
    env = user_env(home, installed, PIP_FIND_LINKS=str(dist))
    repo = make_repo(tmp_path_factory.mktemp(layout) / "repo")
    if layout != "fresh":
        existing = COLUMN_ZERO if layout == "column-zero" else INDENTED
        (repo / ".pre-commit-config.yaml").write_text(existing)
        (repo / "README.md").write_text("# demo\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--no-verify", "-m", "existing project")
        git(repo, "checkout", "-q", "-b", "feature")

    init = run(repo, env, "mlwarden", "init")
    assert init.returncode == 0, init.stderr
    installed_hooks = run(repo, env, "pre-commit", "install")
    assert installed_hooks.returncode == 0, installed_hooks.stderr
    assert "pre-push" in installed_hooks.stdout
    (repo / "train.py").write_text(
        "import json\n\n\ndef load(path):\n    return json.load(open(path))\n"
    )
    (repo / "requirements.txt").write_text("numpy==1.26.4\n")
    git(repo, "add", "-A")
    commit = run(repo, env, "git", "commit", "-m", "add mlwarden")
    output = commit.stdout + commit.stderr
    assert commit.returncode == 0, output[-6000:]
    for name in (*THEIR_HOOKS[layout], *OUR_HOOKS):
        assert any(
            line.startswith(name + ".") and line.endswith("Passed") for line in output.splitlines()
        ), (name, output[-6000:])
    # mlwarden came from the local wheel, nothing else could provide it
    assert list(
        (home / "pre-commit").glob(
            f"repo*/py_env-*/lib/*/site-packages/mlwarden-{__version__}.dist-info"
        )
    )

    # a pin inside an advisory range is refused at commit time, naming the advisory
    git(repo, "checkout", "-q", "-b", "downgrade")
    (repo / "requirements.txt").write_text("torch==2.5.1\n")
    git(repo, "add", "requirements.txt")
    refused = run(repo, env, "git", "commit", "-m", "old torch")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert (
        "requirements.txt:1:1: PIN021 [high] `torch==2.5.1` is affected by 2 advisories" in output
    )
    assert "CVE-2025-32434 (fixed in 2.6.0)" in output and "torch>=2.10.0" in output
    assert "mlwarden dependency pins" in output and "mlwarden branch guard" in output
    assert git(repo, "rev-list", "--count", "HEAD").stdout.strip() == str(1 + (layout != "fresh"))


# --- the GitHub Action --------------------------------------------------------------------


def action() -> dict[str, object]:
    loaded = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_action_yaml_is_a_complete_composite_action() -> None:
    spec = action()
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(spec)
    inputs = spec["inputs"]
    assert isinstance(inputs, dict)
    assert {"paths", "hooks", "shard", "fail-on", "upload-sarif", "category"} <= set(inputs)
    for name, field in inputs.items():
        assert field.get("description"), name
    runs = spec["runs"]
    assert isinstance(runs, dict) and runs["using"] == "composite"
    for step in runs["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env only"
        if "uses" in step:
            ref = step["uses"].split("@", 1)[1]
            assert len(ref) == 40 and int(ref, 16) >= 0, step["uses"]
    uploads = [s for s in runs["steps"] if "upload-sarif" in s.get("uses", "")]
    assert uploads and uploads[0]["uses"].startswith("github/codeql-action/upload-sarif@")


def test_action_passes_mlwarden_own_pins_and_config_guard() -> None:
    result = run_mlwarden(
        REPO_ROOT,
        "scan",
        "--hook",
        "pins",
        "--hook",
        "config-guard",
        "--format",
        "json",
        "action.yml",
    )
    report = json.loads(result.stdout)
    assert report["findings"] == [] and report["errors"] == [], result.stdout
    assert result.returncode == 0


def _step(name: str) -> str:
    runs = action()["runs"]
    assert isinstance(runs, dict)
    return next(str(s["run"]) for s in runs["steps"] if s.get("name") == name)


def test_action_scripts_scan_and_judge(tmp_path: Path) -> None:
    """The scan and verdict steps' own bash, with this venv standing in for the action's."""
    runner = tmp_path / "runner"
    runner.mkdir()
    (runner / "mlwarden-venv").symlink_to(Path(sys.executable).parent.parent)
    repo = make_repo(tmp_path / "repo")
    (repo / "requirements.txt").write_text("torch==2.5.1\n")
    (repo / "notes.md").write_text("nothing\n")
    git(repo, "add", "-A")
    outputs = tmp_path / "outputs"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    base.update(
        RUNNER_TEMP=str(runner), GITHUB_OUTPUT=str(outputs), SEMGREP_ENABLE_VERSION_CHECK="0"
    )

    def step(name: str, **env: str) -> subprocess.CompletedProcess[str]:
        script = _step(name)
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=repo,
            env={**base, **env},
            capture_output=True,
            text=True,
        )

    scanned = step(
        "scan",
        INPUT_PATHS=". ",
        INPUT_HOOKS="pins,secrets",
        INPUT_SHARD="",
        INPUT_CONFIG="",
        SARIF_FILE="out.sarif",
    )
    assert scanned.returncode == 0, scanned.stderr
    assert outputs.read_text().splitlines() == ["exit-code=1", "sarif-file=out.sarif"]
    sarif = json.loads((repo / "out.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"PIN021"}

    def verdict(fail_on: str) -> subprocess.CompletedProcess[str]:
        return step("verdict", FAIL_ON=fail_on, EXIT_CODE="1", SARIF_FILE="out.sarif")

    assert verdict("config").returncode == 1
    assert verdict("never").returncode == 0
    assert verdict("critical").returncode == 0  # PIN021 is high
    high = verdict("high")
    assert high.returncode == 1 and "requirements.txt:1: PIN021" in high.stdout
    assert "fail-on must be" in verdict("severe").stderr

    outputs.write_text("")
    usage = step(
        "scan",
        INPUT_PATHS=".",
        INPUT_HOOKS="nope",
        INPUT_SHARD="",
        INPUT_CONFIG="",
        SARIF_FILE="bad.sarif",
    )
    assert usage.returncode == 2
    assert outputs.read_text().splitlines() == ["exit-code=2"]  # no SARIF to upload
