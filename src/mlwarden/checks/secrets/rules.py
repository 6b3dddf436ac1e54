"""The secrets hook's rules: one per provider or detector family, declared once.

Provider-token rules share one documentation template (the table below is data, the
prose is written once); the context-, URL- and name-anchored families get their own text.
Example values in the docs are truncated on purpose: the docs must never trip the
detectors they describe.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "secrets"
_CWE = (798,)  # Use of Hard-coded Credentials
_GITHUB_LEAKS = "https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning"


@dataclass(frozen=True)
class _Provider:
    """A provider whose keys we detect: enough to write its rule's documentation."""

    id: str
    slug: str
    label: str  # "Hugging Face token": also the finding message's noun
    shape: str  # how the key looks, for "What it does"
    env: str  # the environment variable to load it from instead
    revoke: str  # where to revoke / rotate it
    severity: Severity = Severity.HIGH
    confidence: Confidence = Confidence.HIGH


PROVIDERS: tuple[_Provider, ...] = (
    _Provider(
        "SEC001",
        "huggingface-token",
        "Hugging Face token",
        "`hf_` or `api_org_` followed by 34 letters/digits",
        "HF_TOKEN",
        "https://huggingface.co/settings/tokens",
    ),
    _Provider(
        "SEC002",
        "openai-api-key",
        "OpenAI API key",
        "legacy `sk-…T3BlbkFJ…` keys and `sk-proj-`, `sk-svcacct-`, `sk-admin-` keys",
        "OPENAI_API_KEY",
        "https://platform.openai.com/api-keys",
    ),
    _Provider(
        "SEC003",
        "anthropic-api-key",
        "Anthropic API key",
        "`sk-ant-api03-` and `sk-ant-admin01-` keys",
        "ANTHROPIC_API_KEY",
        "https://console.anthropic.com/settings/keys",
    ),
    _Provider(
        "SEC004",
        "replicate-token",
        "Replicate API token",
        "`r8_` followed by 37 letters/digits",
        "REPLICATE_API_TOKEN",
        "https://replicate.com/account/api-tokens",
    ),
    _Provider(
        "SEC005",
        "wandb-api-key",
        "Weights & Biases API key",
        "new `wandb_v1_` keys anywhere; legacy 40-hex keys assigned to `WANDB_API_KEY`, "
        "passed to `wandb.login(key=…)` / `wandb login`, or in `.netrc` for `api.wandb.ai`",
        "WANDB_API_KEY",
        "https://wandb.ai/authorize",
    ),
    _Provider(
        "SEC006",
        "databricks-token",
        "Databricks personal access token",
        "`dapi` followed by 32 hex digits",
        "DATABRICKS_TOKEN",
        "https://docs.databricks.com/en/dev-tools/auth/pat.html",
    ),
    _Provider(
        "SEC007",
        "kaggle-api-key",
        "Kaggle API key",
        '`KGAT_` tokens anywhere; legacy 32-hex keys in `kaggle.json` (`"key"` next to '
        '`"username"`) or assigned to `KAGGLE_KEY`',
        "KAGGLE_KEY",
        "https://www.kaggle.com/settings/account",
    ),
    _Provider(
        "SEC008",
        "groq-api-key",
        "Groq API key",
        "`gsk_` followed by 52 letters/digits",
        "GROQ_API_KEY",
        "https://console.groq.com/keys",
    ),
    _Provider(
        "SEC009",
        "perplexity-api-key",
        "Perplexity API key",
        "`pplx-` followed by 40-64 letters/digits",
        "PERPLEXITY_API_KEY",
        "https://www.perplexity.ai/settings/api",
    ),
    _Provider(
        "SEC010",
        "together-api-key",
        "Together AI API key",
        "`tgp_v1_` keys anywhere; legacy 64-hex keys assigned to `TOGETHER_API_KEY`",
        "TOGETHER_API_KEY",
        "https://api.together.ai/settings/api-keys",
    ),
    _Provider(
        "SEC011",
        "pinecone-api-key",
        "Pinecone API key",
        "`pcsk_` keys anywhere; legacy UUID keys assigned to `PINECONE_API_KEY` or passed "
        "as `Pinecone(api_key=…)`",
        "PINECONE_API_KEY",
        "https://app.pinecone.io",
    ),
    _Provider(
        "SEC012",
        "langsmith-api-key",
        "LangSmith API key",
        "`lsv2_pt_` / `lsv2_sk_` keys",
        "LANGSMITH_API_KEY",
        "https://smith.langchain.com/settings",
    ),
    _Provider(
        "SEC013",
        "langfuse-secret-key",
        "Langfuse secret key",
        "`sk-lf-` followed by a UUID (the public `pk-lf-` key is not a secret)",
        "LANGFUSE_SECRET_KEY",
        "https://langfuse.com/docs/get-started",
    ),
    _Provider(
        "SEC014",
        "google-api-key",
        "Google API key (Gemini / Google AI / GCP)",
        "`AIza` followed by 35 characters",
        "GOOGLE_API_KEY",
        "https://console.cloud.google.com/apis/credentials",
    ),
    _Provider(
        "SEC015",
        "xai-api-key",
        "xAI API key",
        "`xai-` followed by 60-100 letters/digits",
        "XAI_API_KEY",
        "https://console.x.ai",
    ),
    _Provider(
        "SEC016",
        "openrouter-api-key",
        "OpenRouter API key",
        "`sk-or-v1-` followed by 64 hex digits",
        "OPENROUTER_API_KEY",
        "https://openrouter.ai/settings/keys",
    ),
    _Provider(
        "SEC017",
        "nvidia-api-key",
        "NVIDIA API key",
        "`nvapi-` keys (NGC / build.nvidia.com)",
        "NVIDIA_API_KEY",
        "https://org.ngc.nvidia.com/setup/api-keys",
    ),
    _Provider(
        "SEC018",
        "aws-credentials",
        "AWS access key",
        "access key ids (`AKIA`, `ASIA`, `ABIA`, `ACCA` + 16) and 40-character secret keys "
        "assigned to `aws_secret_access_key`",
        "AWS_ACCESS_KEY_ID",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        Severity.CRITICAL,
    ),
    _Provider(
        "SEC019",
        "github-token",
        "GitHub token",
        "`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and fine-grained `github_pat_` tokens",
        "GITHUB_TOKEN",
        "https://github.com/settings/tokens",
    ),
    _Provider(
        "SEC020",
        "pypi-token",
        "PyPI API token",
        "`pypi-AgE…` macaroons (pypi.org and test.pypi.org)",
        "PYPI_API_TOKEN",
        "https://pypi.org/manage/account/token/",
    ),
    _Provider(
        "SEC021",
        "dockerhub-token",
        "Docker Hub access token",
        "`dckr_pat_` tokens",
        "DOCKERHUB_TOKEN",
        "https://app.docker.com/settings/personal-access-tokens",
    ),
    _Provider(
        "SEC022",
        "private-key",
        "private key",
        "PEM, OpenSSH, encrypted and PGP private key blocks with a key body",
        "SSH_PRIVATE_KEY",
        "https://docs.github.com/en/authentication/connecting-to-github-with-ssh",
        Severity.CRITICAL,
    ),
    _Provider(
        "SEC023",
        "gcp-service-account",
        "GCP service-account key",
        'the `private_key` of a service-account JSON (`"type": "service_account"`)',
        "GOOGLE_APPLICATION_CREDENTIALS",
        "https://cloud.google.com/iam/docs/keys-create-delete",
        Severity.CRITICAL,
    ),
    _Provider(
        "SEC024",
        "cohere-api-key",
        "Cohere API key",
        "40-character keys assigned to `COHERE_API_KEY`/`CO_API_KEY` or passed to "
        "`cohere.Client(…)`",
        "COHERE_API_KEY",
        "https://dashboard.cohere.com/api-keys",
        confidence=Confidence.MEDIUM,
    ),
    _Provider(
        "SEC025",
        "mistral-api-key",
        "Mistral API key",
        "32-character keys assigned to `MISTRAL_API_KEY` or passed as `Mistral(api_key=…)`",
        "MISTRAL_API_KEY",
        "https://console.mistral.ai/api-keys",
        confidence=Confidence.MEDIUM,
    ),
    _Provider(
        "SEC026",
        "azure-openai-key",
        "Azure OpenAI key",
        "32-100 character keys assigned to `AZURE_OPENAI_API_KEY` or passed as "
        "`AzureOpenAI(api_key=…)`",
        "AZURE_OPENAI_API_KEY",
        "https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/managed-identity",
        confidence=Confidence.MEDIUM,
    ),
    _Provider(
        "SEC027",
        "deepseek-api-key",
        "DeepSeek API key",
        "`sk-` followed by 32 hex digits, in files that mention DeepSeek",
        "DEEPSEEK_API_KEY",
        "https://platform.deepseek.com/api_keys",
        confidence=Confidence.MEDIUM,
    ),
    _Provider(
        "SEC028",
        "comet-api-key",
        "Comet API key",
        "keys assigned to `COMET_API_KEY` or passed as `Experiment(api_key=…)`",
        "COMET_API_KEY",
        "https://www.comet.com/account-settings/apiKeys",
        confidence=Confidence.MEDIUM,
    ),
    _Provider(
        "SEC029",
        "neptune-api-token",
        "Neptune API token",
        'base64 tokens starting `eyJhcGlfYWRkcmVzcyI6` (`{"api_address":`)',
        "NEPTUNE_API_TOKEN",
        "https://docs.neptune.ai/setup/setting_api_token/",
    ),
    _Provider(
        "SEC033",
        "slack-token",
        "Slack token or webhook",
        "`xoxb-`/`xoxp-`/`xoxa-`/`xoxr-`/`xoxs-` tokens and `hooks.slack.com` webhooks",
        "SLACK_BOT_TOKEN",
        "https://api.slack.com/authentication/token-types",
    ),
    _Provider(
        "SEC034",
        "stripe-live-key",
        "Stripe live key",
        "`sk_live_` and `rk_live_` keys",
        "STRIPE_API_KEY",
        "https://dashboard.stripe.com/apikeys",
        Severity.CRITICAL,
    ),
)


def _provider_rule(p: _Provider) -> Rule:
    return Rule(
        id=p.id,
        slug=p.slug,
        hook=NAME,
        severity=p.severity,
        confidence=p.confidence,
        summary=f"{p.label[0].upper()}{p.label[1:]} committed in clear.",
        cwe=_CWE,
        doc=RuleDoc(
            what=f"Finds {p.label}s: {p.shape}. Scans code, configs, `.env` files, notebook "
            "cells and their text outputs, and every commit of a pushed range. Quoted, unquoted "
            "and JSON-escaped values are found; findings show only the first 4 characters.",
            why=f"Anyone who reads the repository, a fork, a notebook export or a CI log can use "
            f"the {p.label} with your permissions and on your bill. Bots harvest keys from public "
            "pushes within minutes, and deleting the line does not help: git history keeps it.",
            example=f'{p.env} = "<the {p.label} itself>"',
            instead=f'import os\n{p.env} = os.environ["{p.env}"]   # set in CI secrets or an '
            "untracked .env\n# and revoke the leaked one at the provider",
            references=(p.revoke, _GITHUB_LEAKS),
        ),
    )


URL_CREDENTIALS = Rule(
    id="SEC030",
    slug="credentials-in-url",
    hook=NAME,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A URL carries a literal password (`scheme://user:password@host`).",
    cwe=_CWE,
    doc=RuleDoc(
        what="Finds URLs with a literal password in their user-info part: database URLs, "
        "MLflow tracking URIs (`MLFLOW_TRACKING_URI=https://user:pass@…`), object stores, "
        "proxies. Template references (`${DB_PASSWORD}`, `{password}`, `%(pw)s`) and "
        "placeholders (`password`, `changeme`, `***`) are not reported.",
        why="The password is readable by everyone with the repository, and URLs are logged: "
        "experiment trackers, notebooks and CI logs print them.",
        example="mlflow.set_tracking_uri('https://alice:<password>@mlflow.example.com')",
        instead="# MLflow reads MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD itself\n"
        "mlflow.set_tracking_uri('https://mlflow.example.com')",
        references=(
            "https://mlflow.org/docs/latest/auth/index.html",
            "https://cwe.mitre.org/data/definitions/798.html",
        ),
    ),
)

INDEX_URL_CREDENTIALS = Rule(
    id="SEC031",
    slug="credentials-in-index-url",
    hook=NAME,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A package index URL (`--index-url`, `--extra-index-url`, pip.conf) embeds a "
    "credential.",
    cwe=_CWE,
    doc=RuleDoc(
        what="Finds literal credentials or tokens in package index URLs: `--index-url` / "
        "`--extra-index-url` lines in requirements files and scripts, `index-url` in pip.conf, "
        "`PIP_INDEX_URL`/`PIP_EXTRA_INDEX_URL`, and `find-links`. A `${VAR}` reference is fine.",
        why="Private-index tokens usually grant read (often write) access to every internal "
        "package; requirements files are copied into images, logs and forks.",
        example="--extra-index-url https://__token__:<token>@pypi.internal.example/simple",
        instead="--extra-index-url https://${PIP_INDEX_USER}:${PIP_INDEX_TOKEN}@pypi.internal.example/simple\n"
        "# or a keyring / netrc outside the repository",
        references=(
            "https://pip.pypa.io/en/stable/topics/authentication/",
            "https://pip.pypa.io/en/stable/reference/requirements-file-format/",
        ),
    ),
)

GENERIC_SECRET = Rule(
    id="SEC032",
    slug="generic-secret-assignment",
    hook=NAME,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="A high-entropy literal is assigned to a secret-like name (`*_TOKEN`, `*_KEY`, "
    "`password`, …).",
    cwe=_CWE,
    doc=RuleDoc(
        what="Finds literal values assigned to secret-like names in code, YAML, JSON, TOML, "
        "`.env` files and command lines: `*_TOKEN`, `*_SECRET`, `*_API_KEY`, upper-case "
        "`*_KEY`, `password`, `passwd`, `client_secret`, `Authorization: Bearer …`. Only "
        "values with enough entropy count, and never under other names, so hashes, git "
        "SHAs, UUIDs, checksums in lock/DVC files and model revisions stay quiet. ML names "
        "such as `pad_token`, `max_tokens`, `cache_key` are not secret-like.",
        why="A hard-coded credential is a credential shared with everyone who can read the "
        "repository, forever (git history).",
        example='DB_PASSWORD = "<a literal password>"',
        instead='DB_PASSWORD = os.environ["DB_PASSWORD"]',
        references=("https://cwe.mitre.org/data/definitions/798.html",),
    ),
)

RULES: tuple[Rule, ...] = tuple(
    sorted(
        (
            *(_provider_rule(p) for p in PROVIDERS),
            URL_CREDENTIALS,
            INDEX_URL_CREDENTIALS,
            GENERIC_SECRET,
        ),
        key=lambda rule: rule.id,
    )
)
LABELS: dict[str, str] = {
    **{p.id: p.label for p in PROVIDERS},
    "SEC030": "password in a URL",
    "SEC031": "credential in a package index URL",
    "SEC032": "secret-like literal",
}
ENV_NAMES: dict[str, str] = {p.id: p.env for p in PROVIDERS}
