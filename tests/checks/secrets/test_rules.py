"""Each secrets rule: a true positive (exact rule, file, line) and a near-miss negative."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks import secrets
from mlwarden.checks.secrets.rules import RULES
from mlwarden.core.findings import HookResult
from tests.checks.secrets.test_fakes import Fakes
from tests.conftest import judge

F = Fakes(11)


def scan(root: Path, files: dict[str, str], options: secrets.Options | None = None) -> HookResult:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return judge("secrets", root, tuple(files), options)


def found(result: HookResult) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in result.findings]


# (rule, file name, text with the secret on line 2, near-miss text that must stay quiet)
CASES: list[tuple[str, str, str, str]] = [
    (
        "SEC001",
        "train.py",
        f"import os\nlogin(token='{F.token('hf')}')\n",
        "login(token='hf_" + "x" * 34 + "')\nrepo = 'hf_hub_download'\n",
    ),
    ("SEC001", ".env", f"# hub\nHF_ORG={F.token('hf_org')}\n", "HF_ORG=api_org_short\n"),
    (
        "SEC002",
        "app.py",
        f'import openai\nclient = OpenAI(api_key="{F.token("openai")}")\n',
        "client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])\n",
    ),
    (
        "SEC002",
        "app.py",
        f"#\nexport OPENAI_API_KEY={F.token('openai_proj')}\n",
        "export OPENAI_API_KEY=sk-proj-...\n",
    ),
    (
        "SEC002",
        "admin.sh",
        f"#\ncurl -H 'Authorization: Bearer {F.token('openai_admin')}'\n",
        "# use an sk-admin- key from the vault\n",
    ),
    (
        "SEC003",
        "claude.py",
        f"#\nkey = '{F.token('anthropic')}'\n",
        "key = 'sk-ant-api03-REPLACE_ME'\n",
    ),
    ("SEC003", "claude.py", f"#\nADMIN={F.token('anthropic_admin')}\n", "prefix = 'sk-ant-'\n"),
    (
        "SEC004",
        "gen.py",
        f"import replicate\nREPLICATE_API_TOKEN='{F.token('replicate')}'\n",
        "color = 'r8_g8_b8'\n",
    ),
    (
        "SEC005",
        "wb.py",
        f"import wandb\nwandb.login(key='{F.token('wandb_v1')}')\n",
        "wandb.login(key=os.environ['WANDB_API_KEY'])\n",
    ),
    (
        "SEC005",
        ".env",
        f"# tracking\nWANDB_API_KEY={F.token('wandb')}\n",
        f"# git sha, not a key\nWANDB_RUN_GROUP={F.hex(40)}\n",
    ),
    (
        "SEC005",
        "nb.py",
        f'import wandb\nwandb.login(key="{F.token("wandb")}")\n',
        f'import wandb\nwandb.init(id="{F.hex(40)}")\n',
    ),
    (
        "SEC005",
        ".netrc",
        f"machine api.wandb.ai login user\n  password {F.token('wandb')}\n",
        f"machine api.wandb.ai\n  login user\n  password {F.hex(12)}\n",
    ),
    ("SEC006", "job.py", f"#\nhost_token = 'dapi{F.hex(32)}'\n", "api = 'dapi-docs'\n"),
    (
        "SEC007",
        "kaggle.json",
        f'{{"username": "alice",\n "key": "{F.token("kaggle")}"}}\n',
        f'{{"name": "alice",\n "checksum": "{F.hex(32)}"}}\n',
    ),
    (
        "SEC007",
        ".env",
        f"KAGGLE_USERNAME=alice\nKAGGLE_KEY={F.token('kaggle')}\n",
        f"KAGGLE_USERNAME=alice\nMD5={F.hex(32)}\n",
    ),
    ("SEC007", "k.py", f"#\nKAGGLE_API_TOKEN = '{F.token('kaggle_new')}'\n", "prefix = 'KGAT_'\n"),
    ("SEC008", "g.py", f"#\nclient = Groq(api_key='{F.token('groq')}')\n", "gsk_count = 3\n"),
    ("SEC009", "p.py", f"#\nPPLX_KEY='{F.token('perplexity')}'\n", "model = 'pplx-70b-online'\n"),
    (
        "SEC010",
        "t.py",
        f"#\nTOGETHER_API_KEY = '{F.token('together')}'\n",
        "TOGETHER_API_KEY = '<together key>'\n",
    ),
    ("SEC010", "t.env", f"#\nTOGETHER_API_KEY={F.hex(64)}\n", f"#\nDATA_SHA256={F.hex(64)}\n"),
    (
        "SEC011",
        "pc.py",
        f"#\npc = Pinecone(api_key='{F.token('pinecone')}')\n",
        "pc = Pinecone(api_key=os.environ['PINECONE_API_KEY'])\n",
    ),
    (
        "SEC011",
        "pc.py",
        f'from pinecone import Pinecone\npc = Pinecone(api_key="{F.uuid()}")\n',
        f'from pinecone import Pinecone\nrun_id = "{F.uuid()}"\n',
    ),
    (
        "SEC012",
        "ls.env",
        f"#\nLANGSMITH_API_KEY={F.token('langsmith')}\n",
        "LANGSMITH_API_KEY=lsv2_pt_...\n",
    ),
    (
        "SEC013",
        "lf.env",
        f"LANGFUSE_PUBLIC_KEY=pk-lf-{F.uuid()}\nLANGFUSE_SECRET_KEY={F.token('langfuse')}\n",
        f"LANGFUSE_PUBLIC_KEY=pk-lf-{F.uuid()}\n",
    ),
    (
        "SEC014",
        "gem.py",
        f"#\ngenai.configure(api_key='{F.token('google')}')\n",
        "genai.configure(api_key=os.environ['GOOGLE_API_KEY'])\n",
    ),
    ("SEC015", "x.py", f"#\nXAI_API_KEY='{F.token('xai')}'\n", "model = 'xai-grok-2'\n"),
    ("SEC016", "or.py", f"#\nkey = '{F.token('openrouter')}'\n", "key = 'sk-or-v1-...'\n"),
    ("SEC017", "nv.py", f"#\nNVIDIA_API_KEY='{F.token('nvidia')}'\n", "base = 'nvapi-docs'\n"),
    (
        "SEC018",
        "aws.cfg",
        f"[default]\naws_access_key_id = {F.token('aws')}\n",
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
    ),
    (
        "SEC018",
        "aws.py",
        f'#\naws_secret_access_key="{F.token("aws_secret")}"\n',
        "aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY']\n",
    ),
    (
        "SEC019",
        "ci.sh",
        f"#\ngit clone https://{F.token('github')}@github.com/org/repo\n",
        "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}\n",
    ),
    ("SEC019", "ci.sh", f"#\nGH_PAT={F.token('github_pat')}\n", "GH_PAT=github_pat_XXXX\n"),
    (
        "SEC020",
        ".pypirc",
        f"[pypi]\npassword = {F.token('pypi')}\n",
        "[pypi]\npassword = ${PYPI_TOKEN}\n",
    ),
    (
        "SEC021",
        "d.sh",
        f"#\necho {F.token('docker')} | docker login -u me --password-stdin\n",
        "docker login -u me --password-stdin < token.txt\n",
    ),
    (
        "SEC022",
        "deploy_key",
        "# key\n" + F.private_key_block(),
        "# key\nif line.startswith('-----BEGIN RSA PRIVATE KEY-----'):\n    pass\n",
    ),
    (
        "SEC022",
        "id_ed25519",
        "\n" + F.private_key_block("OPENSSH "),
        "\n-----BEGIN OPENSSH PUBLIC KEY-----\nAAAAC3NzaC1lZDI1NTE5AAAA\n",
    ),
    (
        "SEC023",
        "sa.json",
        '{"type": "service_account",\n "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + F.chars(64)
        + '\\n-----END PRIVATE KEY-----\\n"}\n',
        '{"type": "service_account",\n "private_key": ""}\n',
    ),
    (
        "SEC024",
        "co.py",
        f"import cohere\nco = cohere.Client('{F.token('cohere')}')\n",
        "import cohere\nco = cohere.Client(os.environ['CO_API_KEY'])\n",
    ),
    (
        "SEC025",
        "m.env",
        f"#\nMISTRAL_API_KEY={F.token('mistral')}\n",
        "MISTRAL_MODEL=mistral-large-latest\n",
    ),
    (
        "SEC026",
        "az.py",
        "from openai import AzureOpenAI\n"
        f"c = AzureOpenAI(api_key=\"{F.token('azure')}\", api_version='2024-02-01')\n",
        "from openai import AzureOpenAI\nc = AzureOpenAI(api_key=key, api_version='2024-02-01')\n",
    ),
    (
        "SEC027",
        "ds.py",
        f"base_url = 'https://api.deepseek.com'\nkey = '{F.token('deepseek')}'\n",
        f"# openai-compatible\nkey = 'sk-{F.hex(32)}'\n",
    ),
    (
        "SEC028",
        "c.py",
        f"from comet_ml import Experiment\nexp = Experiment(api_key='{F.token('comet')}')\n",
        "from comet_ml import Experiment\nexp = Experiment(project_name='demo-project-name-x')\n",
    ),
    (
        "SEC029",
        "n.py",
        f"#\nrun = neptune.init_run(api_token='{F.token('neptune')}')\n",
        "run = neptune.init_run(api_token=os.getenv('NEPTUNE_API_TOKEN'))\n",
    ),
    (
        "SEC030",
        "track.py",
        f"import mlflow\nmlflow.set_tracking_uri('https://alice:{F.chars(18)}@mlflow.corp.example')\n",
        "mlflow.set_tracking_uri('https://alice:${MLFLOW_PASSWORD}@mlflow.corp.example')\n",
    ),
    (
        "SEC030",
        "db.yaml",
        f"db:\n  url: postgresql://mlflow:{F.chars(14)}@db:5432/mlflow\n",
        "db:\n  url: postgresql://postgres:postgres@localhost:5432/dev\n",
    ),
    (
        "SEC031",
        "requirements.txt",
        f"torch==2.3.0\n--extra-index-url https://__token__:{F.chars(30)}@pypi.corp.example/simple\n",
        "torch==2.3.0\n--extra-index-url https://${PIP_USER}:${PIP_TOKEN}@pypi.corp.example/simple\n",
    ),
    (
        "SEC031",
        "pip.conf",
        f"[global]\nindex-url = https://{F.chars(24)}@pkgs.corp.example/simple\n",
        "[global]\nindex-url = https://alice@pkgs.corp.example/simple\n",
    ),
    (
        "SEC032",
        "settings.py",
        f'import os\nDB_PASSWORD = "{F.token("password")}"\n',
        "import os\nDB_PASSWORD = os.environ['DB_PASSWORD']\n",
    ),
    (
        "SEC032",
        "config.yaml",
        f"service:\n  api_token: {F.token('generic')}\n",
        f"tokenizer:\n  pad_token: '<pad>'\n  max_new_tokens: 512\n  revision: {F.hex(40)}\n",
    ),
    (
        "SEC032",
        ".env",
        f"# app\nSTRIPE_SIGNING_SECRET={F.token('generic')}\n",
        f"# app\nMODEL_SHA={F.hex(64)}\n",
    ),
    (
        "SEC032",
        "cli.sh",
        f"#\npython serve.py --auth-token {F.token('generic')}\n",
        'python serve.py --auth-token "$AUTH_TOKEN"\n',
    ),
    ("SEC033", "notify.py", f"#\nSLACK_BOT_TOKEN = '{F.token('slack')}'\n", "prefix = 'xoxb-'\n"),
    (
        "SEC034",
        "pay.py",
        f"#\nstripe.api_key = '{F.token('stripe')}'\n",
        "stripe.api_key = 'sk_test_...'\n",
    ),
]


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == {rule.id for rule in RULES}


@pytest.mark.parametrize(
    ("rule_id", "name", "positive", "negative"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_true_positive_and_near_miss(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rule_id: str,
    name: str,
    positive: str,
    negative: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pos").mkdir()
    (tmp_path / "neg").mkdir()
    result = scan(tmp_path, {f"pos/{name}": positive, f"neg/{name}": negative})
    assert found(result) == [(rule_id, f"pos/{name}", 2)]
    assert result.errors == ()


def test_rule_docs_have_every_section() -> None:
    for rule in RULES:
        assert rule.id.startswith("SEC") and rule.hook == "secrets"
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.instead
        assert rule.doc.references and rule.cwe == (798,)
