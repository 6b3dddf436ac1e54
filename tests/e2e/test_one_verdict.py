"""One verdict: the same repository gives the same findings however it is reached.

Hypothesis builds small git repositories from fixture files (keys, pickles, workflows,
notebooks, requirements, an `exclude` in pyproject.toml) and compares the findings
(rule id, repository path, line) of: explicit paths, `.`, the parent folder, a subfolder
with `..`, `--commits` over the commits that added the files, and `pre-commit run
--all-files` through the real pre-commit framework.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlwarden.core.hooks import file_hook_names
from mlwarden.core.runner import ScanRequest, run_scan
from tests.checks.models.test_helpers import evil
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import (
    git,
    jupyter_notebook,
    local_pre_commit_config,
    make_repo,
    run_pre_commit,
)

F = Fakes(97)
FIXTURES: dict[str, str | bytes] = {
    "config/app.env": f"HF_TOKEN={F.token('hf')}\n",
    "src/train.py": (
        "import pickle\nimport torch\n\n\ndef load(p):\n    return torch.load(p)\n\n\n"
        "def restore(blob):\n    return pickle.loads(blob)\n"
    ),
    "models/clf.pkl": evil(),
    ".github/workflows/ci.yml": (
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n"
    ),
    "notebooks/explore.ipynb": jupyter_notebook(
        ("code", ["import torch\n", "m = torch.load('w.pt')"]),
        ("code", [f"!huggingface-cli login --token {F.token('hf')}"]),
    ),
    "requirements.txt": "--extra-index-url https://download.pytorch.org/whl/cu121\ntorch>=2.1\n",
}
FOLDERS = ("config", "models", "notebooks")
HOOKS = file_hook_names()
LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+):\d+: (?P<rule>[A-Z]+\d+) ", re.M)


def scan(cwd: Path, *paths: str, commits: str | None = None) -> set[tuple[str, str, int]]:
    """`mlwarden scan` in-process (the CLI's own runner, minus interpreter start-up)."""
    report = run_scan(ScanRequest(hooks=HOOKS, paths=paths, commits=commits), cwd=cwd)
    assert report.errors == (), report.errors
    return {(f.rule_id, f.location.identity_path, f.location.line) for f in report.findings}


def from_text(output: str) -> set[tuple[str, str, int]]:
    return {(m["rule"], m["path"], int(m["line"])) for m in LINE.finditer(output)}


@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    chosen=st.lists(st.sampled_from(sorted(FIXTURES)), min_size=2, unique=True),
    split=st.integers(0, 5),
    excluded=st.sampled_from((None, *FOLDERS)),
)
def test_every_way_in_gives_one_verdict(
    tmp_path_factory: object, chosen: list[str], split: int, excluded: str | None
) -> None:
    root = tmp_path_factory.mktemp("verdict")  # type: ignore[attr-defined]
    repo = make_repo(root / "repo")
    table = "[tool.mlwarden]\n" + (f'exclude = ["{excluded}/**"]\n' if excluded else "")
    (repo / "pyproject.toml").write_text(table + "[tool.mlwarden.config-guard]\nzizmor = false\n")
    (repo / ".pre-commit-config.yaml").write_text(local_pre_commit_config())
    (repo / "src").mkdir()
    (repo / "src" / "__init__.py").write_text("")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "config")
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    for index, name in enumerate(chosen):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        data = FIXTURES[name]
        if isinstance(data, bytes):
            (repo / name).write_bytes(data)
        else:
            (repo / name).write_text(data)
        git(repo, "add", name)
        if index == split % len(chosen):  # the files land in one or two commits
            git(repo, "commit", "-q", "--no-verify", "-m", "first")
    git(repo, "commit", "-q", "--no-verify", "--allow-empty", "-m", "files")

    verdicts = {
        "explicit paths": scan(repo, *chosen),
        ".": scan(repo, "."),
        "parent folder": scan(root, "repo"),
        "subfolder ..": scan(repo / "src", ".."),
        "--commits": scan(repo, commits=f"{base}..HEAD"),
    }
    hooks = run_pre_commit(repo, root / "pc", "run", "--all-files")
    verdicts["pre-commit --all-files"] = from_text(hooks.stdout)

    reference = verdicts["."]
    for mode, found in verdicts.items():
        assert found == reference, (mode, sorted(found ^ reference))
    if excluded is not None:
        assert not any(path.startswith(excluded + "/") for _, path, _ in reference)
    if "models/clf.pkl" in chosen and excluded != "models":
        assert ("MOD001", "models/clf.pkl", 1) in reference
    if "config/app.env" in chosen and excluded != "config":
        assert ("SEC001", "config/app.env", 1) in reference
