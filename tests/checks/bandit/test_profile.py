"""Every test of the ML profile: a true positive and a near-miss, scanned in one bandit run."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks import bandit
from mlwarden.checks.bandit.engine import run_bandit
from mlwarden.checks.bandit.rules import BY_ID, ML_PROFILE
from mlwarden.core.findings import HookResult
from tests.conftest import judge

PIN = "5f3c1e0a9d8b7c6e5f4a3b2c1d0e9f8a7b6c5d4e"

# id -> (positive source, {(rule id, line)} expected, near-miss source)
CASES: dict[str, tuple[str, set[tuple[str, int]], str]] = {
    "B102": ("exec(code)\n", {("B102", 1)}, "executor.submit(fn)\n"),
    "B104": ('app.run(host="0.0.0.0")\n', {("B104", 1)}, 'app.run(host="127.0.0.1")\n'),
    "B105": ('db_password = "hunter2"\n', {("B105", 1)}, 'pad_token = "<pad>"\n'),
    "B106": ('connect(password="hunter2")\n', {("B106", 1)}, 'tok(text, eos_token="</s>")\n'),
    "B107": (
        'def login(user, password="hunter2"):\n    return user\n',
        {("B107", 1)},
        'def build(vocab, unk_token="<unk>"):\n    return vocab\n',
    ),
    "B201": (
        "import flask\napp = flask.Flask(__name__)\napp.run(debug=True)\n",
        {("B201", 3)},
        "import flask\napp = flask.Flask(__name__)\napp.run(debug=False)\n",
    ),
    "B202": (
        'import tarfile\ntarfile.open(p).extractall("models/")\n',
        {("B202", 2)},
        'import tarfile\ntarfile.open(p).extractall("models/", filter="data")\n',
    ),
    "B301": (
        "import pickle\nmodel = pickle.load(f)\n",
        {("B301", 2)},
        "import json\nmodel = json.load(f)\n",
    ),
    "B302": ("import marshal\nmarshal.loads(b)\n", {("B302", 2)}, "import json\njson.loads(b)\n"),
    "B306": (
        "import tempfile\ntempfile.mktemp()\n",
        {("B306", 2)},
        "import tempfile\ntempfile.mkstemp()\n",
    ),
    "B307": (
        "params = eval(text)\n",
        {("B307", 1)},
        "import ast\nparams = ast.literal_eval(text)\n",
    ),
    "B310": (
        "import urllib.request\nurllib.request.urlopen(url)\n",
        {("B310", 2)},
        "import requests\nrequests.get(url, timeout=5)\n",
    ),
    "B323": (
        "import ssl\nssl._create_unverified_context()\n",
        {("B323", 2)},
        "import ssl\nssl.create_default_context()\n",
    ),
    "B501": (
        "import requests\nrequests.get(url, verify=False, timeout=5)\n",
        {("B501", 2)},
        "import requests\nrequests.get(url, verify=True, timeout=5)\n",
    ),
    "B502": (
        "import ssl\nssl.wrap_socket(s, ssl_version=ssl.PROTOCOL_SSLv3)\n",
        {("B502", 2)},
        "import ssl\nssl.wrap_socket(s, ssl_version=ssl.PROTOCOL_TLS_CLIENT)\n",
    ),
    "B503": (
        "import ssl\ndef connect(v=ssl.PROTOCOL_SSLv3):\n    return v\n",
        {("B503", 2)},
        "import ssl\ndef connect(v=ssl.PROTOCOL_TLS_CLIENT):\n    return v\n",
    ),
    "B504": (
        "import ssl\nssl.wrap_socket(s)\n",
        {("B504", 2)},
        "import ssl\nssl.create_default_context().wrap_socket(s, server_hostname=h)\n",
    ),
    "B506": (
        "import yaml\ncfg = yaml.load(f)\n",
        {("B506", 2)},
        "import yaml\ncfg = yaml.load(f, Loader=yaml.SafeLoader)\n",
    ),
    "B507": (
        "import paramiko\nc.set_missing_host_key_policy(paramiko.AutoAddPolicy())\n",
        {("B507", 2)},
        "import paramiko\nc.set_missing_host_key_policy(paramiko.RejectPolicy())\n",
    ),
    "B602": (
        "import subprocess\nsubprocess.run(cmd, shell=True)\n",
        {("B602", 2)},
        'import subprocess\nsubprocess.run(["ls", d], check=True)\n',
    ),
    "B604": ("run_cmd(cmd, shell=True)\n", {("B604", 1)}, "run_cmd(cmd)\n"),
    "B605": ("import os\nos.system(cmd)\n", {("B605", 2)}, "import os\nos.path.join(cmd)\n"),
    "B608": (
        'cur.execute("SELECT * FROM features WHERE id = %s" % fid)\n',
        {("B608", 1)},
        'cur.execute("SELECT * FROM features WHERE id = %s", (fid,))\n',
    ),
    "B609": (
        'import os\nos.system("tar czf data.tgz *")\n',
        {("B609", 2)},
        'import os\nos.system("tar czf data.tgz data")\n',
    ),
    "B612": (
        "import logging.config\nlogging.config.listen(9999)\n",
        {("B612", 2)},
        'import logging.config\nlogging.config.fileConfig("log.ini")\n',
    ),
    "B613": ('access = "user\u202e"\n', {("B613", 1)}, 'access = "user"\n'),
    "B614": (
        'import torch\nm = torch.load("x.pt")\n',
        {("B614", 2)},
        'import torch\nm = torch.load("x.pt", weights_only=True)\n',
    ),
    "B615": (
        'from transformers import AutoModel\nAutoModel.from_pretrained("org/model")\n',
        {("B615", 2)},
        "from transformers import AutoModel\n"
        f'AutoModel.from_pretrained("org/m", revision="{PIN}")\n',
    ),
    "B701": (
        "import jinja2\nenv = jinja2.Environment(loader=x)\n",
        {("B701", 2)},
        "import jinja2\nenv = jinja2.Environment(loader=x, autoescape=True)\n",
    ),
}
# A constant command reaches no outside input: B605 is quiet on both B609 cases (issue 16);
# the wildcard is B609's own finding.
NEAR_MISS_LEFTOVERS: dict[str, set[tuple[str, int]]] = {}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("profile")
    for test_id, (positive, _, negative) in CASES.items():
        (root / f"pos_{test_id}.py").write_text(positive, encoding="utf-8")
        (root / f"neg_{test_id}.py").write_text(negative, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def result(corpus: Path) -> HookResult:
    files = tuple(sorted(p.name for p in corpus.glob("*.py")))
    return judge("bandit", corpus, files, bandit.Options())


def hits(result: HookResult, path: str) -> set[tuple[str, int]]:
    return {(f.rule_id, f.location.line) for f in result.findings if f.location.path == path}


def test_cases_cover_the_whole_profile() -> None:
    assert set(CASES) == set(ML_PROFILE)


@pytest.mark.parametrize("test_id", sorted(CASES))
def test_true_positive(result: HookResult, test_id: str) -> None:
    assert hits(result, f"pos_{test_id}.py") == CASES[test_id][1]


@pytest.mark.parametrize("test_id", sorted(CASES))
def test_near_miss(result: HookResult, test_id: str) -> None:
    assert hits(result, f"neg_{test_id}.py") == NEAR_MISS_LEFTOVERS.get(test_id, set())


def test_no_errors(result: HookResult) -> None:
    assert result.errors == ()


def test_findings_carry_bandit_ratings_and_hints(result: HookResult) -> None:
    by_key = {(f.location.path, f.rule_id): f for f in result.findings}
    torch = by_key[("pos_B614.py", "B614")]
    assert torch.severity.label == "medium" and torch.confidence.label == "high"
    assert torch.message == (
        "Use of unsafe PyTorch load; use `torch.load(..., weights_only=True)` or safetensors"
    )
    assert (torch.location.column, torch.location.end_column) == (5, 23)
    shell = by_key[("pos_B602.py", "B602")]
    assert shell.severity.label == "high"  # bandit rates a variable command higher
    assert all(f.hook == "bandit" for f in result.findings)


def test_declared_cwe_matches_what_bandit_reports(corpus: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(corpus)
        run = run_bandit([f"pos_{t}.py" for t in CASES], ML_PROFILE)
    assert run.issues
    for issue in run.issues:
        assert BY_ID[issue.test_id].cwe == issue.cwe, issue.test_id
