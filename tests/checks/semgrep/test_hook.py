"""The semgrep hook: findings, safe forms, notebooks, bad input, maintainers' packs, CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mlwarden.checks import semgrep
from mlwarden.checks.semgrep import engine as semgrep_engine
from mlwarden.checks.semgrep import pack as semgrep_pack
from mlwarden.checks.semgrep.pack import pack_dir
from mlwarden.core.config import Config
from mlwarden.core.findings import HookResult, Severity
from tests.conftest import REPO_ROOT, git, judge, jupyter_notebook, run_mlwarden, write_files

SAFE_FORMS = """\
import keras
import numpy as np
import tarfile
import torch
import yaml
from transformers import AutoModel

state = torch.load("model.pt", weights_only=True)
with tarfile.open("data.tgz") as tar:
    tar.extractall("data", filter="data")
cfg = yaml.safe_load(open("config.yaml"))
arr = np.load("features.npy")
model = AutoModel.from_pretrained("./checkpoints/best")
model = AutoModel.from_pretrained("org/model", revision="0123456789abcdef0123456789abcdef01234567")
net = keras.models.load_model(path)
"""

UNSAFE = """\
import torch as T
from torch import load

a = T.load("a.pt")
b = load(
    "b.pt",
    weights_only=False,
)
"""


@pytest.fixture()
def in_tmp(tmp_path: Path) -> Iterator[Path]:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(cwd)


def scan(
    root: Path,
    files: dict[str, str | bytes],
    options: semgrep.Options | None = None,
    config: Config | None = None,
) -> HookResult:
    names = write_files(root, files)
    size = config.max_file_size if config else None
    return judge("semgrep", root, names, options, max_file_size=size)


def ids(result: HookResult) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]


def test_unsafe_torch_load_through_aliases(in_tmp: Path) -> None:
    result = scan(in_tmp, {"train.py": UNSAFE})
    assert ids(result) == [("SG001", "train.py", 4), ("SG001", "train.py", 5)]
    first = result.findings[0]
    assert first.severity is Severity.HIGH
    assert first.hook == "semgrep"
    assert first.location.column == 5
    assert "weights_only=True" in first.message
    assert result.errors == ()


def test_no_finding_on_the_safe_forms(in_tmp: Path) -> None:
    result = scan(in_tmp, {"safe.py": SAFE_FORMS})
    assert ids(result) == []
    assert result.errors == ()


def test_hook_reports_exactly_the_annotated_lines_of_every_pack_test(in_tmp: Path) -> None:
    """Every rule's `# ruleid:` lines, and only those, through the hook's own pipeline."""
    pack = pack_dir()
    files: dict[str, str | bytes] = {}
    expected: set[tuple[str, str, int]] = set()
    for test_file in sorted(pack.rglob("SG*.*")):
        if test_file.suffix == ".yaml":
            continue
        name = f"{test_file.parent.name}/{test_file.name}"
        text = test_file.read_text(encoding="utf-8")
        files[name] = text
        for number, line in enumerate(text.splitlines(), start=1):
            match = re.search(r"ruleid: (SG\d{3})", line)
            if match:
                expected.add((match.group(1), name, number + 1))
    result = scan(in_tmp, files)
    own = {
        (rule_id, path, line) for rule_id, path, line in ids(result) if rule_id == Path(path).stem
    }
    assert own == expected
    assert len({rule_id for rule_id, _, _ in expected}) == len(semgrep.HOOK.rules())


def test_notebook_findings_map_to_raw_lines_and_cells(in_tmp: Path) -> None:
    raw = jupyter_notebook(
        ("markdown", ["# Training\n", "torch.load(x)  # prose, not code\n"]),
        ("code", ["%pip install torch\n", "import torch\n", "!nvidia-smi\n"]),
        ("code", ["state = torch.load(\n", "    'ckpt.pt',\n", ")\n"]),
        ("code", ["%%bash\n", "python -c 'import pickle; pickle.load(f)'\n"]),
    )
    result = scan(in_tmp, {"train.ipynb": raw})
    raw_lines = raw.splitlines()
    expected_line = next(i for i, t in enumerate(raw_lines, 1) if "state = torch.load(" in t)
    assert ids(result) == [("SG001", "train.ipynb", expected_line)]
    finding = result.findings[0]
    assert finding.location.member == "cell 3"
    assert finding.message.endswith("(cell 3)")
    assert raw_lines[expected_line - 1][finding.location.column - 1 :].startswith("torch.load(")
    assert result.errors == ()


def test_a_file_that_is_not_notebook_json_holds_no_cell_to_judge(in_tmp: Path) -> None:
    # Jupyter cannot open it, so no cell of it runs; the secrets hook reads it as text.
    result = scan(in_tmp, {"bad.ipynb": "{not json", "train.py": UNSAFE})
    assert ids(result) == [("SG001", "train.py", 4), ("SG001", "train.py", 5)]
    assert result.errors == ()


def test_syntax_error_names_the_file_and_keeps_other_findings(in_tmp: Path) -> None:
    broken = "import pickle\n)))) (((\nobj = pickle.loads(blob)\n"
    result = scan(in_tmp, {"broken.py": broken, "train.py": UNSAFE})
    assert ("SG001", "train.py", 4) in ids(result)
    assert [e.path for e in result.errors] == ["broken.py"]
    assert "could not parse" in result.errors[0].message
    assert "\n" not in result.errors[0].message


def test_bad_input_never_crashes(in_tmp: Path) -> None:
    outside = in_tmp.parent / "outside.py"
    outside.write_text("import pickle\npickle.loads(b)\n", encoding="utf-8")
    (in_tmp / "link.py").symlink_to(outside)
    files: dict[str, str | bytes] = {
        "binary.py": b"\x00\x01\x02pickle.loads(x)",
        "latin1.py": b"# caf\xe9\nimport pickle\nobj = pickle.loads(blob)\n",
        "huge.py": "x = 1\n" * 50,
        "notes.md": "torch.load(x)\n",
    }
    names = (*write_files(in_tmp, files), "link.py")
    result = judge("semgrep", in_tmp, names, max_file_size=200)
    # Over the bound semgrep judges within: a fail-closed finding. A symlink is stored by
    # git as a link and never followed; binary data is no source code.
    assert ids(result) == [("SG006", "latin1.py", 3), ("MLW003", "huge.py", 1)]
    assert result.errors == ()


def test_nothing_to_scan_starts_no_semgrep(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("semgrep must not run")

    monkeypatch.setattr(semgrep_engine, "run_semgrep", boom)
    result = scan(in_tmp, {"README.md": "torch.load(x)\n", "data.csv": "a,b\n"})
    assert result == HookResult()


def test_fingerprint_ignores_the_line_number(in_tmp: Path) -> None:
    first = scan(in_tmp, {"a.py": "import pickle\nobj = pickle.loads(b)\n"})
    moved = scan(in_tmp, {"a.py": "import pickle\n\n\n# moved\nobj = pickle.loads(b)\n"})
    assert first.findings[0].location.line == 2
    assert moved.findings[0].location.line == 5
    assert first.findings[0].fingerprint == moved.findings[0].fingerprint
    twice = scan(in_tmp, {"a.py": "import pickle\nobj = pickle.loads(b)\nobj = pickle.loads(b)\n"})
    assert len({f.fingerprint for f in twice.findings}) == 2


def test_falls_back_to_the_standard_cli(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The standard CLI needs ~0.5 s a rule: one rule is enough to prove the fallback.
    small_pack = in_tmp.parent / "pack"
    small_pack.mkdir()
    shutil.copy(pack_dir() / "deserialization" / "SG001.yaml", small_pack)
    monkeypatch.setattr(semgrep_pack, "pack_dir", lambda: small_pack)
    real = semgrep_engine.scan_command

    def broken_experimental(*args: object, **kwargs: object) -> list[str]:
        command = real(*args, **kwargs)  # type: ignore[arg-type]
        return (
            [*command[:2], "--no-such-option", *command[2:]] if kwargs["experimental"] else command
        )

    engines: list[str] = []
    real_run = semgrep_engine._run_once

    def recording_run(command: list[str], cwd: Path, timeout: float, engine: str) -> object:
        engines.append(engine)
        return real_run(command, cwd, timeout, engine)

    monkeypatch.setattr(semgrep_engine, "scan_command", broken_experimental)
    monkeypatch.setattr(semgrep_engine, "_run_once", recording_run)
    result = scan(in_tmp, {"train.py": UNSAFE})
    assert ids(result) == [("SG001", "train.py", 4), ("SG001", "train.py", 5)]
    assert result.errors == ()
    assert engines == ["semgrep --experimental", "semgrep"]


def test_missing_semgrep_is_one_error(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semgrep_engine, "semgrep_executable", lambda: None)
    result = scan(in_tmp, {"train.py": UNSAFE})
    assert result.findings == ()
    assert [e.message for e in result.errors] == ["semgrep is not installed (pip install semgrep)"]


ACME_RULE = """\
rules:
  - id: ACME001
    languages: [python]
    severity: ERROR
    message: Do not call acme.unsafe(); use acme.safe().
    pattern: acme.unsafe(...)
"""


def test_extra_rules_are_added_to_the_pack(in_tmp: Path) -> None:
    """`extra-rules` paths are relative to the folder of the config that names them."""
    write_files(
        in_tmp,
        {
            "proj/pyproject.toml": '[tool.mlwarden.semgrep]\nextra-rules = ["rules/"]\n',
            "proj/rules/acme.yaml": ACME_RULE,
            "proj/app.py": "import acme\nimport pickle\nacme.unsafe()\npickle.loads(b)\n",
        },
    )
    result = judge("semgrep", in_tmp, ("proj/app.py",))
    assert ids(result) == [("ACME001", "proj/app.py", 3), ("SG006", "proj/app.py", 4)]
    assert result.findings[0].severity is Severity.HIGH
    assert result.findings[0].message == "Do not call acme.unsafe(); use acme.safe()."
    # The reports need the metadata of rules the registry does not know.
    assert [rule.id for rule in result.rules] == ["ACME001"]


def test_extra_rules_that_clash_or_are_missing_are_errors(in_tmp: Path) -> None:
    write_files(in_tmp, {"rules/clash.yaml": ACME_RULE.replace("ACME001", "SG001")})
    result = scan(
        in_tmp,
        {"train.py": UNSAFE},
        semgrep.Options(extra_rules=("rules/clash.yaml", "nope/")),
    )
    assert [f.rule_id for f in result.findings] == ["SG001", "SG001"]
    assert [(e.path, e.message) for e in result.errors] == [
        ("rules/clash.yaml", "rule id SG001 clashes with mlwarden's pack; rename it"),
        ("nope/", "extra-rules path not found"),
    ]


# --- end to end through the real CLI -------------------------------------------------------


def test_cli_scan_json_suppression_and_disable(git_repo: Path) -> None:
    write_files(
        git_repo,
        {
            "train.py": UNSAFE,
            "load.py": "import pickle\nobj = pickle.loads(b)  # mlwarden: ignore[SG006]\n",
            "nb.ipynb": jupyter_notebook(("code", ["import yaml\n", "cfg = yaml.load(text)\n"])),
        },
    )
    git(git_repo, "add", "-A")
    proc = run_mlwarden(git_repo, "scan", "--hook", "semgrep", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    found = [(f["rule_id"], f["path"], f["line"]) for f in report["findings"]]
    assert found == [("SG014", "nb.ipynb", 8), ("SG001", "train.py", 4), ("SG001", "train.py", 5)]
    assert report["errors"] == []

    (git_repo / "pyproject.toml").write_text(
        '[tool.mlwarden]\ndisable = ["SG001", "SG014"]\n', encoding="utf-8"
    )
    proc = run_mlwarden(git_repo, "scan", "--hook", "semgrep", "train.py", "nb.ipynb")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_extra_rules_from_pyproject(git_repo: Path) -> None:
    write_files(
        git_repo,
        {
            "pyproject.toml": '[tool.mlwarden.semgrep]\nextra-rules = ["rules/"]\n',
            "rules/acme.yaml": ACME_RULE,
            "app.py": "import acme\nacme.unsafe()\n",
        },
    )
    proc = run_mlwarden(git_repo, "scan", "--hook", "semgrep", "app.py")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("app.py:2:1: ACME001 [high] Do not call acme.unsafe()")


def test_cli_rules_test_subcommand(git_repo: Path) -> None:
    proc = run_mlwarden(git_repo, "rules", "test")
    assert proc.returncode == 0, proc.stderr
    assert "PASS SG001 deserialization/SG001.yaml" in proc.stdout


def test_semgrep_workers_follow_the_run_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert semgrep_engine.auto_jobs(5) == 1
    assert semgrep_engine.auto_jobs(500) == 4
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert semgrep_engine.auto_jobs(500) == 1
    command = semgrep_engine.scan_command(
        "semgrep", [Path("pack")], ["a.py"], experimental=True, max_target_bytes=10, jobs=3
    )
    assert command[:3] == ["semgrep", "scan", "--experimental"]
    assert "--jobs=3" in command
    assert "--metrics=off" in command
    assert command[-2:] == ["--", "a.py"]


def test_through_pre_commit(git_repo: Path, clean_env: None) -> None:
    """The manifest entry as a `repo: local` hook: real pre-commit, real console script."""
    manifest = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (entry,) = [hook for hook in manifest if hook["id"] == "mlwarden-semgrep"]
    script = Path(sys.executable).parent / "mlwarden-semgrep"
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if not script.exists() or pre_commit is None:
        pytest.skip("console scripts not installed")
    hook = {**entry, "entry": str(script), "language": "system"}
    hook.pop("minimum_pre_commit_version", None)
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    write_files(
        git_repo,
        {
            ".pre-commit-config.yaml": yaml.safe_dump(config),
            "train.py": UNSAFE,
            "nb.ipynb": jupyter_notebook(("code", ["import pickle\n", "obj = pickle.loads(b)\n"])),
            "README.md": "torch.load(x)\n",
        },
    )
    git(git_repo, "add", "-A")
    proc = subprocess.run(
        [pre_commit, "run", "--all-files"], cwd=git_repo, capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "train.py:4:5: SG001 [high]" in proc.stdout
    assert "nb.ipynb:8:12: SG006 [high]" in proc.stdout, proc.stdout
    assert "README.md" not in proc.stdout


def test_a_broken_extra_rule_keeps_the_pack_findings(in_tmp: Path) -> None:
    broken = ACME_RULE.replace("    pattern: acme.unsafe(...)\n", "    pattern-nope: x\n")
    write_files(in_tmp, {"rules/broken.yaml": broken})
    result = scan(in_tmp, {"train.py": UNSAFE}, semgrep.Options(extra_rules=("rules/",)))
    assert ids(result) == [("SG001", "train.py", 4), ("SG001", "train.py", 5)]
    assert [e.path for e in result.errors] == ["."]
    assert (
        "ACME001" in result.errors[0].message or "extra-rules not used" in result.errors[0].message
    )


MAGIC_CELLS = (
    ("markdown", ["# Load the checkpoint\n"]),
    ("code", ["%%time\n", "import torch\n", "state = torch.load('ckpt.pt')\n"]),
    ("code", ["%%capture\n", "model = torch.load('model.pt', weights_only=True)\n"]),
    ("code", ["%%timeit -n 1\n", "torch.load('timed.pt')\n"]),
    ("code", ["%%bash\n", "python -c 'torch.load(p)'\n"]),
)


def test_python_cell_magics_keep_their_cell(in_tmp: Path) -> None:
    # `%%time`, `%%capture`, `%%timeit` run their cell as Python: a torch.load inside is
    # found and lands on its raw line in the right cell (2 and 4); the weights-only load
    # (cell 3) and the `%%bash` cell (5) are the near misses.
    raw = jupyter_notebook(*MAGIC_CELLS)
    result = scan(in_tmp, {"magic.ipynb": raw})
    lines = raw.splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "state = torch.load(" in t)
    second = next(i for i, t in enumerate(lines, 1) if "\"torch.load('timed.pt')" in t)
    assert [(f.rule_id, f.location.line, f.location.member) for f in result.findings] == [
        ("SG001", first, "cell 2"),
        ("SG001", second, "cell 4"),
    ]
    assert result.errors == ()
