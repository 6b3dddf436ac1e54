"""Speed never changes a verdict: the cache gives the same findings as judging again,
across random edits, and the union of `--shard i/n` is the unsharded scan."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlwarden.core.cache import FOLDER
from mlwarden.core.hooks import file_hook_names
from mlwarden.core.runner import ScanReport, ScanRequest, run_scan
from tests.checks.models.test_helpers import evil
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import git, jupyter_notebook, make_repo, run_mlwarden

F = Fakes(101)
SNIPPETS = (
    "import torch\nm = torch.load(p)\n",
    "import pickle\nobj = pickle.loads(blob)\n",
    f'HF = "{F.token("hf")}"\n',
    "x = 1\n",
    "import yaml\nyaml.load(text)\n",
)


def found(report: ScanReport) -> list[tuple[str, str, int, str]]:
    return sorted(
        (f.rule_id, f.location.identity_path, f.location.line, f.fingerprint)
        for f in report.findings
    )


def scan(repo: Path, *, cache: bool, shard: tuple[int, int] | None = None) -> ScanReport:
    request = ScanRequest(hooks=file_hook_names(), cache=cache, shard=shard, jobs=1)
    return run_scan(request, cwd=repo)


def seeded_repo(root: Path) -> Path:
    repo = make_repo(root / "repo")
    files = {f"pkg/m{i}.py": SNIPPETS[i % len(SNIPPETS)] for i in range(8)}
    files["nb.ipynb"] = jupyter_notebook(("code", ["import torch\n", "torch.load('w.pt')"]))
    files["w.pkl"] = "PICKLE"
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        if text == "PICKLE":
            (repo / name).write_bytes(evil())
        else:
            (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "seed")
    return repo


EDITS = st.lists(
    st.tuples(st.sampled_from(("write", "delete", "move")), st.integers(0, 9), st.integers(0, 4)),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
def test_the_cache_gives_what_judging_again_gives(
    tmp_path_factory: object, edits: list[tuple[str, int, int]]
) -> None:
    repo = seeded_repo(tmp_path_factory.mktemp("cache"))  # type: ignore[attr-defined]
    assert found(scan(repo, cache=True)) == found(scan(repo, cache=False))
    for action, index, snippet in edits:
        target = repo / "pkg" / f"m{index}.py"
        if action == "write":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(SNIPPETS[snippet] * (1 + index % 2))
        elif action == "delete" and target.exists():
            target.unlink()
        elif action == "move" and target.exists():
            target.rename(repo / "pkg" / f"moved{index}_{snippet}.py")
        warm = scan(repo, cache=True)
        assert found(warm) == found(scan(repo, cache=False))
    again = scan(repo, cache=True)
    assert again.cache_hits > 0  # the cache was really used
    assert found(again) == found(scan(repo, cache=False))


def test_the_union_of_the_shards_is_the_whole_scan(tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    whole = found(scan(repo, cache=False))
    parts = [found(scan(repo, cache=False, shard=(i, 3))) for i in (1, 2, 3)]
    assert sorted(f for part in parts for f in part) == whole
    assert all(part for part in parts)  # eleven files spread over three shards
    # Each shard's SARIF is its own analysis for code scanning.
    done = run_mlwarden(repo, "scan", "--format", "sarif", "--shard", "2/3", "--no-cache")
    assert '"id": "mlwarden/shard-2-of-3/"' in done.stdout


def test_the_cache_ignores_itself_and_cache_clear_removes_it(tmp_path: Path) -> None:
    repo = seeded_repo(tmp_path)
    scan(repo, cache=True)
    assert (repo / FOLDER / ".gitignore").read_text().strip().endswith("*")
    assert git(repo, "status", "--porcelain").stdout == ""
    done = run_mlwarden(repo, "cache", "clear")
    assert done.returncode == 0 and not (repo / FOLDER).exists()
