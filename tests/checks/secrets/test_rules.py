"""Each secrets rule: a true positive (exact rule, file, line) and a near-miss negative."""

from __future__ import annotations

import base64
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
        "machine api.wandb.ai\n  login user\n  password ${WANDB_API_KEY}\n",
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

# The providers around an ML pipeline: the token on line 2; the near miss keeps the prefix
# with a body the format rules out (wrong length, placeholder, bad checksum, reference).
_T = F.token
CASES += [
    ("SEC035", "ci.env", f"#\nGITLAB_TOKEN={_T('gitlab')}\n", "GITLAB_TOKEN=glpat-short123\n"),
    (
        "SEC035",
        ".gitlab-ci.yml",
        f"#\nrunner_token: {_T('gitlab_runner')}\n",
        "runner_token: glrt-abcdefghijklmnopqrst\n",
    ),
    ("SEC036", "bb.sh", f"#\nexport BB_PASS={_T('bitbucket')}\n", "export BB_PASS=ATBB_docs\n"),
    ("SEC036", "jira.py", f"#\nJIRA = '{_T('atlassian')}'\n", "JIRA = 'ATATT3xFfGF0...'\n"),
    (
        "SEC037",
        ".npmrc",
        f"#\n//registry.npmjs.org/:_authToken={_T('npm')}\n",
        # Right shape, wrong checksum: typed by hand.
        f"#\n//registry.npmjs.org/:_authToken=npm_{F.chars(36)}\n",
    ),
    (
        "SEC038",
        "nuget.sh",
        f"#\ndotnet nuget push -k {_T('nuget')}\n",
        "dotnet nuget push -k $NUGET\n",
    ),
    (
        "SEC039",
        "credentials",
        f"---\n:rubygems_api_key: {_T('rubygems')}\n",
        f"---\n:rubygems_api_key: rubygems_{'0' * 48}\n",
    ),
    (
        "SEC040",
        "bedrock.py",
        f"#\nBEDROCK_KEY = '{_T('bedrock')}'\n",
        f"#\nBEDROCK_KEY = 'ABSK{F.chars(120)}'\n",
    ),
    (
        "SEC041",
        "azure.env",
        f"#\nAZURE_CLIENT_SECRET={_T('azure_ad')}\n",
        "AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}\n",
    ),
    (
        "SEC042",
        "blob.py",
        "#\nCONN = 'DefaultEndpointsProtocol=https;AccountName=ml;"
        f"AccountKey={_T('azure_storage')};EndpointSuffix=core.windows.net'\n",
        "CONN = 'DefaultEndpointsProtocol=https;AccountName=ml;AccountKey=<key>'\n",
    ),
    (
        "SEC042",
        "sas.sh",
        "#\nazcopy copy 'https://ml.blob.core.windows.net/d?sv=2022-11-02&sp=rl"
        f"&se=2026-01-01&sig={_T('azure_sig')}' ./data\n",
        "azcopy copy 'https://ml.blob.core.windows.net/d?sv=2022-11-02&sp=rl&sig=$SIG' ./d\n",
    ),
    ("SEC043", "flow.py", f"#\nPREFECT_API_KEY = '{_T('prefect')}'\n", "key = 'pnu_docs'\n"),
    (
        "SEC044",
        "airflow.env",
        f"#\nAIRFLOW_CONN_DWH=postgresql://airflow:{F.token('password')}@db:5432/dwh\n",
        "AIRFLOW_CONN_DWH=postgresql://airflow:${DWH_PASSWORD}@db:5432/dwh\n",
    ),
    (
        "SEC044",
        "airflow.sh",
        f"#\nexport AIRFLOW_CONN_S3='aws://bot:{F.token('password')}@/?region_name=eu-west-1'\n",
        "export AIRFLOW_CONN_S3='aws://bot:changeme@/?region_name=eu-west-1'\n",
    ),
    ("SEC045", "cci.sh", f"#\nCIRCLE_TOKEN={_T('circleci')}\n", "CIRCLE_TOKEN=CCIPAT_x\n"),
    ("SEC046", "bk.sh", f"#\nBK={_T('buildkite')}\n", f"#\nBK=bkua_{F.chars(20).lower()}\n"),
    ("SEC047", "bot.py", f"#\nclient.run('{_T('discord')}')\n", "client.run(os.environ['T'])\n"),
    (
        "SEC047",
        "alert.py",
        f"#\nHOOK = '{_T('discord_webhook')}'\n",
        "HOOK = 'https://discord.com/api/webhooks/<id>/<token>'\n",
    ),
    (
        "SEC048",
        "tg.py",
        f"#\nurl = f'https://api.telegram.org/bot{_T('telegram')}/sendMessage'\n",
        "url = f'https://api.telegram.org/bot{TOKEN}/sendMessage'\n",
    ),
    ("SEC049", ".sentryclirc", f"[auth]\ntoken={_T('sentry')}\n", "[auth]\ntoken=sntryu_\n"),
    ("SEC050", "vault.sh", f"#\nexport VAULT_TOKEN={_T('vault')}\n", "export VAULT_TOKEN=hvs.x\n"),
    ("SEC051", "op.env", f"#\nOP_SECRET_KEY={_T('onepassword')}\n", "OP_SECRET_KEY=A3-XXXXXX\n"),
    ("SEC052", "dp.env", f"#\nDOPPLER_TOKEN={_T('doppler')}\n", "DOPPLER_TOKEN=dp.pt.\n"),
    (
        "SEC053",
        "pay_test.py",
        f"#\nstripe.api_key = '{_T('stripe_test')}'\n",
        "stripe.api_key = 'sk_test_...'\n",
    ),
    ("SEC054", "sq.py", f"#\nSQUARE = '{_T('square')}'\n", "SQUARE = 'EAAA<token>'\n"),
    ("SEC055", "bt.rb", f"#\nTOKEN = '{_T('braintree')}'\n", "TOKEN = ENV['BT']\n"),
    (
        "SEC056",
        "paypal.env",
        f"#\nPAYPAL_CLIENT_SECRET={_T('paypal')}\n",
        "PAYPAL_CLIENT_SECRET=your-paypal-client-secret\n",
    ),
    (
        "SEC057",
        "auth.py",
        f"#\nheaders = {{'X-Session': '{_T('jwt')}'}}\n",
        # Unsigned tokens authenticate nobody.
        f"#\nheaders = {{'X-Session': '{F.jwt(alg='none')}'}}\n",
    ),
    (
        "SEC058",
        "secret.yaml",
        "data:\n  password: "
        + base64.b64encode(F.token("password").encode()).decode()
        + "\nkind: Secret\n",
        "data:\n  password: {{ .Values.dbPassword | b64enc }}\nkind: Secret\n",
    ),
    (
        "SEC059",
        "fetch.sh",
        f"#\ncurl -u deploy:{F.token('password')} https://registry.corp.internal/api\n",
        'curl -u "deploy:$REGISTRY_PASSWORD" https://registry.corp.internal/api\n',
    ),
    (
        "SEC059",
        "call.sh",
        f"#\ncurl -H 'X-API-Key: {F.chars(40)}' https://api.corp.internal/v1\n",
        'curl -H "X-API-Key: ${API_KEY}" https://api.corp.internal/v1\n',
    ),
    (
        "SEC060",
        ".netrc",
        f"machine artifacts.corp.internal\n  login ci-bot password {F.token('password')}\n",
        "machine artifacts.corp.internal\n  login ci-bot password <password>\n",
    ),
    ("SEC061", "h.env", f"#\nHEROKU_API_KEY={_T('heroku')}\n", "HEROKU_API_KEY=HRKU-AA\n"),
    ("SEC061", "h2.env", f"#\nHEROKU_API_KEY={F.uuid()}\n", f"#\nHEROKU_APP_ID={F.uuid()}\n"),
    (
        "SEC062",
        "tw.py",
        f"#\nAPI_KEY_SID = '{_T('twilio')}'\n",
        f"#\nACCOUNT_SID = 'AC{F.hex(32)}'\n",
    ),
    ("SEC063", "sg.py", f"#\nSG = '{_T('sendgrid')}'\n", "SG = 'SG.xxxx.yyyy'\n"),
    ("SEC064", "mg.py", f"#\nMAILGUN = '{_T('mailgun')}'\n", f"#\ncache = 'key-{F.hex(16)}'\n"),
    (
        "SEC065",
        "dd.yaml",
        f"datadog:\n  DD_API_KEY: {_T('datadog')}\n",
        # A documented, fixed format: 20 characters are no Datadog key.
        f"datadog:\n  DD_API_KEY: {F.hex(20)}\n",
    ),
    ("SEC066", "nr.env", f"#\nNEW_RELIC_API_KEY={_T('newrelic')}\n", "NEW_RELIC_API_KEY=NRAK-\n"),
    ("SEC067", "gf.env", f"#\nGRAFANA_TOKEN={_T('grafana')}\n", "GRAFANA_TOKEN=glsa_\n"),
    ("SEC068", "ln.env", f"#\nLINEAR_API_KEY={_T('linear')}\n", "LINEAR_API_KEY=lin_api_\n"),
    ("SEC069", "no.env", f"#\nNOTION_TOKEN={_T('notion')}\n", "NOTION_TOKEN=ntn_\n"),
    ("SEC070", "sh.env", f"#\nSHOPIFY_TOKEN={_T('shopify')}\n", "SHOPIFY_TOKEN=shpat_\n"),
    ("SEC071", "pm.env", f"#\nPOSTMAN_API_KEY={_T('postman')}\n", "POSTMAN_API_KEY=PMAK-\n"),
    ("SEC072", "pu.env", f"#\nPULUMI_ACCESS_TOKEN={_T('pulumi')}\n", "PULUMI_ACCESS_TOKEN=pul-\n"),
    ("SEC073", "tf.env", f"#\nTFE_TOKEN={_T('terraform')}\n", "TFE_TOKEN=abc.atlasv1.\n"),
    ("SEC074", "fly.env", f"#\nFLY_API_TOKEN={_T('flyio')}\n", "FLY_API_TOKEN=fo1_\n"),
    (
        "SEC075",
        "vc.env",
        f"#\nVERCEL_TOKEN={_T('vercel')}\n",
        "VERCEL_TOKEN=abcdefghijklmnopqrstuvwx\n",
    ),
    ("SEC076", "nf.env", f"#\nNETLIFY_AUTH_TOKEN={_T('netlify')}\n", "NETLIFY_AUTH_TOKEN=nfp_\n"),
    ("SEC077", "sb.env", f"#\nSUPABASE_ACCESS_TOKEN={_T('supabase')}\n", "SUPABASE_URL=sbp_\n"),
    ("SEC078", "ps.env", f"#\nPLANETSCALE={_T('planetscale')}\n", "PLANETSCALE=pscale_\n"),
    ("SEC079", "fw.py", f"#\nFIREWORKS = '{_T('fireworks')}'\n", "FIREWORKS = 'fw_1234567890'\n"),
    ("SEC080", "md.env", f"#\nMODAL_TOKEN_SECRET={_T('modal')}\n", "MODAL_TOKEN_ID=ak-\n"),
    ("SEC081", "rp.env", f"#\nRUNPOD_API_KEY={_T('runpod')}\n", "RUNPOD_API_KEY=rpa_\n"),
    ("SEC082", "lb.env", f"#\nLAMBDA_API_KEY={_T('lambda')}\n", "LAMBDA_API_KEY=secret_\n"),
    ("SEC083", "el.env", f"#\nELEVENLABS_API_KEY={_T('elevenlabs')}\n", "ELEVEN=sk_\n"),
    ("SEC084", "wv.env", f"#\nWEAVIATE_API_KEY={_T('weaviate')}\n", "WEAVIATE_URL=http://x\n"),
    ("SEC085", "qd.env", f"#\nQDRANT_API_KEY={_T('qdrant')}\n", "QDRANT_API_KEY=${QDRANT}\n"),
    (
        "SEC086",
        "clearml.conf",
        f"#\nCLEARML_API_SECRET_KEY={_T('clearml')}\n",
        "#\nCLEARML_API_SECRET_KEY=<your-clearml-secret-key>\n",
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
