"""What mlwarden cannot judge is never a pass, and one hostile file never silences the
others: a tree full of traps still reports its real key and its malicious pickle."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

from tests.checks.models.test_helpers import evil
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import git, jupyter_notebook, make_repo, run_mlwarden

F = Fakes(71)
MB = 1024 * 1024


def found(done: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int]]:
    report = json.loads(done.stdout)
    return sorted((f["rule_id"], f["path"], f["line"]) for f in report["findings"])


def big_text(path: Path, size: int, last_line: str) -> int:
    """A log of about `size` bytes ending with `last_line`; returns that line's number."""
    line = "2026-01-01 INFO step loss=0.1234 lr=0.000100 accuracy=0.98\n"
    count = size // len(line)
    path.write_text(line * count + last_line + "\n")
    return count + 1


def test_a_tree_of_traps_still_reports_the_real_key_and_pickle(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    key = F.token("hf")
    (repo / "settings.env").write_text(f"HF_TOKEN={key}\n")
    (repo / "model.pkl").write_bytes(evil())
    (repo / "locked.env").write_text(f"OPENAI_API_KEY={F.token('openai')}\n")
    log_line = big_text(repo / "train.log", 50 * MB, f"WANDB_API_KEY={F.token('wandb')}")
    (repo / "generated.py").write_text("x = 1\n" * (2 * MB))  # 12 MB of Python
    (repo / "weights.bin").write_bytes(os.urandom(50 * MB))
    (repo / ".gitattributes").write_text("weights.bin -text\n")
    (repo / "loop").symlink_to("loop")
    (repo / "escape").symlink_to("/etc/passwd")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "traps")
    os.mkfifo(repo / "pipe")
    (repo / "locked.env").chmod(0)
    try:
        done = run_mlwarden(repo, "scan", "--format", "json", unprivileged=True)
    finally:
        (repo / "locked.env").chmod(0o644)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert found(done) == [
        ("MLW002", "locked.env", 1),  # could not be read: not judged, not passed
        ("MLW003", "generated.py", 1),  # over what bandit parses whole
        ("MLW003", "generated.py", 1),  # and semgrep
        ("MOD001", "model.pkl", 1),
        ("MOD003", "model.pkl", 1),
        ("MOD004", "weights.bin", 1),  # a 50 MB binary belongs in LFS/DVC
        ("SEC001", "settings.env", 1),
        ("SEC005", "train.log", log_line),  # read in bounded windows, never skipped
    ]
    assert json.loads(done.stdout)["errors"] == []


def test_an_unlistable_folder_fails_closed(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "private").mkdir(parents=True)
    (tree / "private" / "key.env").write_text(f"HF_TOKEN={F.token('hf')}\n")
    (tree / "ok.py").write_text("x = 1\n")
    (tree / "private").chmod(0)
    try:
        done = run_mlwarden(
            tree, "scan", "--hook", "secrets", "--format", "json", unprivileged=True
        )
    finally:
        (tree / "private").chmod(0o755)
    assert found(done) == [("MLW002", "private", 1)]
    assert done.returncode == 1


def test_a_notebook_of_tens_of_megabytes_of_plots_is_judged_on_its_code(tmp_path: Path) -> None:
    key = F.token("hf")
    plot = base64.b64encode(os.urandom(3 * MB)).decode()
    document = json.loads(
        jupyter_notebook(
            ("code", ["import matplotlib.pyplot as plt\n", "plt.plot([1, 2])"]),
            ("code", [f"!huggingface-cli login --token {key}\n", "print('ok')"]),
        )
    )
    document["cells"][0]["outputs"] = [
        {"output_type": "display_data", "data": {"image/png": plot}, "metadata": {}}
        for _ in range(8)
    ]
    text = json.dumps(document, indent=1)
    assert len(text) > 25 * MB
    repo = make_repo(tmp_path / "repo")
    (repo / "explore.ipynb").write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "--token" in t)
    done = run_mlwarden(repo, "scan", "--format", "json")
    assert found(done) == [("SEC001", "explore.ipynb", line)]
    assert done.returncode == 1
