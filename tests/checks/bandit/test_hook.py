"""The bandit hook: options, nosec, notebooks, bad input, file selection, fingerprints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlwarden.checks import bandit
from mlwarden.checks.bandit.rules import CATALOG, ML_PROFILE
from mlwarden.core.config import Config, parse_config
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import HookResult
from tests.conftest import judge, jupyter_notebook, write_files

TORCH = 'import torch\nm = torch.load("x.pt")\n'


def scan(
    root: Path,
    files: dict[str, str | bytes],
    options: bandit.Options | None = None,
    config: Config | None = None,
) -> HookResult:
    write_files(root, files)
    size = config.max_file_size if config else None
    return judge("bandit", root, tuple(files), options, max_file_size=size)


def ids(result: HookResult) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]


def raw_line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- options -----------------------------------------------------------------------------


def test_default_profile_leaves_out_noisy_tests(tmp_path: Path) -> None:
    source = "import random\nassert x\nrandom.random()\n" + TORCH
    assert ids(scan(tmp_path, {"a.py": source})) == [("B614", "a.py", 5)]


def test_tests_option_replaces_the_profile(tmp_path: Path) -> None:
    source = "assert x\n" + TORCH
    result = scan(tmp_path, {"a.py": source}, bandit.Options(tests=("b101",)))
    assert ids(result) == [("B101", "a.py", 1)]


def test_tests_all_runs_every_bandit_test(tmp_path: Path) -> None:
    source = "import random\nrandom.random()\n" + TORCH
    result = scan(tmp_path, {"a.py": source}, bandit.Options(tests=("all",)))
    assert ids(result) == [("B311", "a.py", 2), ("B614", "a.py", 4)]


def test_skips_remove_tests(tmp_path: Path) -> None:
    source = "eval(x)\n" + TORCH
    result = scan(tmp_path, {"a.py": source}, bandit.Options(skips=("B614",)))
    assert ids(result) == [("B307", "a.py", 1)]


def test_severity_and_confidence_floors(tmp_path: Path) -> None:
    source = 'import subprocess\nsubprocess.run(cmd, shell=True)\napp.run(host="0.0.0.0")\n' + TORCH
    files: dict[str, str | bytes] = {"a.py": source}
    high = scan(tmp_path, files, bandit.Options(min_bandit_severity="high"))
    assert ids(high) == [("B602", "a.py", 2)]
    sure = scan(tmp_path, files, bandit.Options(min_bandit_confidence="high"))
    assert ids(sure) == [("B602", "a.py", 2), ("B614", "a.py", 5)]  # B104 is medium confidence


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tests": ("B999",)}, "tests: unknown bandit test 'B999'"),
        ({"skips": ("all",)}, "skips: unknown bandit test 'all'"),
        ({"min_bandit_severity": "critical"}, "min-bandit-severity: use low, medium or high"),
        ({"min_bandit_confidence": "sure"}, "min-bandit-confidence: unknown confidence 'sure'"),
    ],
)
def test_bad_options_are_usage_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bandit.Options(**kwargs)  # type: ignore[arg-type]


def test_options_from_toml_keys(tmp_path: Path) -> None:
    table = {"bandit": {"tests": ["B614", "B101"], "skips": ["B101"], "min-bandit-severity": "low"}}
    options = parse_config(table, root=tmp_path).options("bandit", bandit.Options)
    assert options.selected_tests() == ("B614",)
    assert bandit.Options().selected_tests() == tuple(sorted(ML_PROFILE))


# --- nosec and special tokens --------------------------------------------------------------


def test_nosec_is_honoured_per_test(tmp_path: Path) -> None:
    source = (
        "import torch\n"
        'a = torch.load("a.pt")  # nosec B614\n'
        'b = torch.load("b.pt")  # nosec B102\n'
        'c = torch.load("c.pt")  # nosec\n'
    )
    assert ids(scan(tmp_path, {"a.py": source})) == [("B614", "a.py", 3)]


def test_passwords_are_redacted_and_special_tokens_ignored(tmp_path: Path) -> None:
    source = (
        'pad_token = "<pad>"\n'
        'bos_token = "<|endoftext|>"\n'
        'cls_token = "[CLS]"\n'
        'api_token = "s3cr3t-value"\n'
    )
    result = scan(tmp_path, {"a.py": source})
    assert ids(result) == [("B105", "a.py", 4)]
    assert "s3cr3t" not in result.findings[0].message
    assert result.findings[0].message.startswith("Possible hardcoded password (value redacted)")


# --- notebooks -----------------------------------------------------------------------------


def test_notebook_findings_land_on_raw_line_and_cell(tmp_path: Path) -> None:
    text = jupyter_notebook(
        ("markdown", ["Never `eval(x)` in prose\n"]),
        ("code", ["%pip install torch\n", "import torch\n", 'm = torch.load("x.pt")']),
        ("code", ["!ls data\n", "eval(expr)  # nosec\n", "exec(code)"]),
        ("code", ["%%bash\n", "eval $(curl x)"]),
    )
    result = scan(tmp_path, {"nb.ipynb": text})
    assert result.errors == ()
    torch_line, exec_line = raw_line_of(text, "torch.load"), raw_line_of(text, "exec(code)")
    assert ids(result) == [("B614", "nb.ipynb", torch_line), ("B102", "nb.ipynb", exec_line)]
    torch, exec_ = result.findings
    assert torch.location.member == "cell 2" and exec_.location.member == "cell 3"
    assert torch.message.startswith("cell 2: Use of unsafe PyTorch load;")
    raw = text.splitlines()[torch_line - 1]
    assert raw[torch.location.column - 1 :].startswith("torch.load")


def test_notebook_with_source_as_one_string(tmp_path: Path) -> None:
    document = {"cells": [{"cell_type": "code", "source": "x = 1\n" + TORCH}], "nbformat": 4}
    raw = json.dumps(document)
    result = scan(tmp_path, {"nb.ipynb": raw})
    # The column points into the one JSON string, at the call itself.
    assert [(f.rule_id, f.location.line, f.location.column) for f in result.findings] == [
        ("B614", 1, raw.index("torch.load") + 1)
    ]


def test_notebook_errors_name_the_cell(tmp_path: Path) -> None:
    broken = jupyter_notebook(("code", ["x = 1\n"]), ("code", ["def f(:\n", "    pass"]))
    result = scan(tmp_path, {"bad.ipynb": broken, "junk.ipynb": "{not json", "ok.py": TORCH})
    line = raw_line_of(broken, "def f(:")
    # A file that is not notebook JSON holds no cell a kernel could run (the secrets hook
    # still reads it as text); a cell that does not parse is an error naming the cell.
    assert [(e.path, e.message) for e in result.errors] == [
        ("bad.ipynb", f"syntax error at cell 2 (line {line}): invalid syntax; not scanned"),
    ]
    assert ids(result) == [("B614", "ok.py", 2)]


# --- bad input and file selection ----------------------------------------------------------


def test_bad_files_are_one_line_errors_and_the_rest_is_scanned(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "syntax.py": "def f(:\n    pass\n",
        "binary.py": b"\x00\x01\x02torch.load",
        "latin.py": b'x = "\xff"\n',
        "declared.py": b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\neval(name)\n',
        "ok.py": TORCH,
    }
    big = "x = 1\n" * 40 + TORCH
    files["big.py"] = big
    config = Config(root=tmp_path, max_file_size=len(big) - 1)
    result = scan(tmp_path, files, config=config)
    assert [(e.path, e.message, e.hook) for e in result.errors] == [
        ("binary.py", "binary file, not Python source; not scanned", "bandit"),
        ("latin.py", "not valid UTF-8 (byte 0xff at offset 5); not scanned", "bandit"),
        ("syntax.py", "syntax error at line 1: invalid syntax; not scanned", "bandit"),
    ]
    # Over the bound it can judge within: a fail-closed finding, never a silent skip.
    assert ids(result) == [
        ("MLW003", "big.py", 1),
        ("B307", "declared.py", 3),
        ("B614", "ok.py", 2),
    ]


def test_only_python_files_notebooks_and_python_scripts_are_scanned(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "notes.txt": TORCH,
        "Makefile": "run:\n\teval $(x)\n",
        "train": "#!/usr/bin/env python3\n" + TORCH,
        "tool.pyw": TORCH,
    }
    result = scan(tmp_path, files)
    assert ids(result) == [("B614", "tool.pyw", 2), ("B614", "train", 3)]
    assert result.errors == ()


def test_symlinks_are_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside.py"
    repo.mkdir()
    outside.write_text(TORCH)
    (repo / "real.py").write_text(TORCH)
    (repo / "inside.py").symlink_to(repo / "real.py")
    (repo / "escape.py").symlink_to(outside)
    # git stores a symlink, not its target: neither link is judged, and nothing fails.
    result = judge("bandit", repo, ("inside.py", "escape.py"))
    assert result.findings == ()
    assert result.errors == ()


def test_nothing_to_scan_does_not_load_bandit(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from mlwarden.checks import bandit\nfrom mlwarden.core.config import Config\n"
        "from mlwarden.core.hooks import HookContext\n"
        "r = bandit.HOOK.rules()\n"
        "bandit.run([], HookContext(bandit.Options(), Config(root=Path('.')), Path('.')))\n"
        "print(len(r), 'bandit.core' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [str(len(CATALOG)), "False"]


# --- fingerprints --------------------------------------------------------------------------


def test_fingerprint_survives_moving_code_and_separates_twins(tmp_path: Path) -> None:
    before = scan(tmp_path, {"a.py": TORCH + 'm = torch.load("x.pt")\n'})
    after = scan(tmp_path, {"a.py": "# moved\n\n" + TORCH + 'm = torch.load("x.pt")\n'})
    assert [f.location.line for f in after.findings] == [4, 5]
    assert [f.fingerprint for f in before.findings] == [f.fingerprint for f in after.findings]
    assert len({f.fingerprint for f in after.findings}) == 2


def test_fast_nosec_lookup_matches_stock_bandit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bandit.core import manager

    from mlwarden.checks.bandit import engine as bandit_engine

    source = (
        "import torch, subprocess\n"
        "a = torch.load(  # nosec B614\n"
        '    "a.pt",\n'
        ")\n"
        "b = torch.load(\n"
        '    "b.pt",  # nosec\n'
        ")\n"
        'c = {"k": [torch.load("c.pt"), "x"],  # a comment, not nosec\n'
        '     "j": subprocess.run(cmd, shell=True)}  # nosec B602\n'
        "password = 'hunter2'  # nosec B614\n"
        'd = torch.load("d.pt")\n'
    )
    (tmp_path / "a.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    fast = bandit_engine.run_bandit(["a.py"], ML_PROFILE)
    monkeypatch.setattr(bandit_engine, "_manager_class", lambda: manager.BanditManager)
    stock = bandit_engine.run_bandit(["a.py"], ML_PROFILE)
    assert fast == stock
    assert [(i.test_id, i.line) for i in fast.issues] == [("B614", 8), ("B105", 10), ("B614", 11)]


def test_b202_is_quiet_when_extractall_uses_the_data_filter(tmp_path: Path) -> None:
    # A false-positive class found on real code (issue 9): bandit flags the safe form too.
    code = (
        "import tarfile\n\n"
        "with tarfile.open('a.tgz') as tar:\n"
        "    tar.extractall('out', filter='data')\n"
        "    tar.extractall(\n        'out',\n        filter=tarfile.data_filter,\n    )\n"
        "    tar.extractall('out')\n"
        "import zipfile\n"
        "with zipfile.ZipFile('a.zip') as zipped:\n"
        "    zipped.extractall('out')\n"
    )
    result = scan(tmp_path, {"unpack.py": code})
    assert [i for i in ids(result) if i[0] == "B202"] == [("B202", "unpack.py", 9)]


# False-positive classes found on real ML code (issue 9): each was a bandit finding on
# transformers/lightning/datasets/accelerate/langchain-core/scikit-learn that is not a risk.
FP_CASES = {
    "B105": (
        'token_pattern = r"(?u)\\b\\w\\w+\\b"\n'
        'config = {"token": "MY-TOKEN"}\n'
        'params["secret"] = "**REDACTED**"\n'
        'password = "Xk29fjQ1mZp0aa"\n',
        [4],
    ),
    "B106": (
        "def f(**kw):\n    return kw\n\n\n"
        'f(token_counter="approximate")\n'
        'f(secret="raw-secret")\n'
        'f(hf_hub_disable_implicit_token="1")\n'
        'f(password="Xk29fjQ1mZp0aa")\n',
        [8],
    ),
    "B615": (
        "from datasets import load_dataset\n\n"
        'a = load_dataset("csv", data_files="x.csv")\n'
        'b = load_dataset("./local/data")\n'
        'c = load_dataset("nyu-mll/glue", "mrpc")\n'
        "from transformers import AutoTokenizer\n"
        "t = AutoTokenizer.from_pretrained(name, local_files_only=True)\n"
        "u = AutoTokenizer.from_pretrained(tmp_dir)\n"
        "v = AutoTokenizer.from_pretrained(self.model_name)\n",
        [5, 9],
    ),
    "B301": (
        "import pickle\n\ncopy = pickle.loads(pickle.dumps(obj))\ndata = pickle.loads(blob)\n",
        [4],
    ),
    "B608": (
        'msg = f"Provided `function` returns {t}. Make sure to update the table set"\n'
        'query = f"SELECT * FROM runs WHERE id = {run_id}"\n',
        [2],
    ),
    "B102": (
        'exec("from cupy.fft import *", namespace)\nexec(downloaded_text)\n',
        [2],
    ),
    "B202": (
        "import tarfile\n\n"
        "def tarfile_extractall(fp, path):\n    pass\n\n\n"
        "tarfile_extractall(fp, path=target)\n"
        "with tarfile.open('a.tgz') as tar:\n"
        "    tar.extractall('out')\n",
        [9],
    ),
}


@pytest.mark.parametrize("test_id", sorted(FP_CASES))
def test_real_code_false_positive_classes_stay_quiet(tmp_path: Path, test_id: str) -> None:
    code, expected_lines = FP_CASES[test_id]
    result = scan(tmp_path, {"case.py": code})
    assert [line for rule_id, _, line in ids(result) if rule_id == test_id] == expected_lines


def test_findings_in_a_file_bandit_decodes_itself_are_not_filtered(tmp_path: Path) -> None:
    # PEP 263 sources are decoded by bandit, so the false-positive filters cannot read the
    # call; they must keep the finding rather than guess.
    code = (
        "# -*- coding: latin-1 -*-\nimport tarfile\n# caf\xe9\ntarfile.open(p).extractall('out')\n"
    )
    result = scan(tmp_path, {"legacy.py": code.encode("latin-1")})
    assert ("B202", "legacy.py", 4) in ids(result)


def test_python_cell_magics_keep_their_cell(tmp_path: Path) -> None:
    # A cell that starts with `%%time`/`%%capture`/`%%timeit` is Python: its torch.load is
    # found on its raw line (cells 2 and 4); weights_only (3) and `%%bash` (5) are quiet.
    text = jupyter_notebook(
        ("markdown", ["# Load the checkpoint\n"]),
        ("code", ["%%time\n", "import torch\n", "state = torch.load('ckpt.pt')\n"]),
        ("code", ["%%capture\n", "model = torch.load('model.pt', weights_only=True)\n"]),
        ("code", ["%%timeit -n 1\n", "torch.load('timed.pt')\n"]),
        ("code", ["%%bash\n", "python -c 'torch.load(p)'\n"]),
    )
    result = scan(tmp_path, {"magic.ipynb": text})
    assert [(f.rule_id, f.location.line, f.location.member) for f in result.findings] == [
        ("B614", raw_line_of(text, "state = torch.load("), "cell 2"),
        ("B614", raw_line_of(text, "\"torch.load('timed.pt')"), "cell 4"),
    ]
    assert result.errors == ()
