"""Provider rules' documentation data, part 1: the AI/ML providers and the keys mlwarden
covered first (ids SEC001-SEC029, SEC033, SEC034). Part 2 is `providers_pipeline.py`.

A rule's documentation is written once from this data (`rules.py`); `fmt_ref` is where the
provider documents the format the detector follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlwarden.core.findings import Confidence, Severity


@dataclass(frozen=True)
class Provider:
    """A provider whose keys we detect: enough to write its rule's documentation."""

    id: str
    slug: str
    label: str  # "Hugging Face token": also the finding message's noun
    shape: str  # how the key looks, for "What it does"
    env: str  # the environment variable to load it from instead
    revoke: str  # where to revoke / rotate it
    severity: Severity = Severity.HIGH
    confidence: Confidence = Confidence.HIGH
    fmt_ref: str = ""  # where the format is documented, when not at `revoke`
    example: str = ""  # overrides the generic `NAME = "<the key>"` example
    instead: str = ""  # overrides the generic "load it from the environment" advice
    advice: str = ""  # the finding message's "what to do instead", when not `env`-based


AI_AND_CORE: tuple[Provider, ...] = (
    Provider(
        "SEC001",
        "huggingface-token",
        "Hugging Face token",
        "`hf_` or `api_org_` followed by 34 letters/digits",
        "HF_TOKEN",
        "https://huggingface.co/settings/tokens",
    ),
    Provider(
        "SEC002",
        "openai-api-key",
        "OpenAI API key",
        "`sk-`, `sk-proj-`, `sk-svcacct-` and `sk-admin-` keys, which all hold `T3BlbkFJ` "
        "(base64 of `OpenAI`) between two random halves",
        "OPENAI_API_KEY",
        "https://platform.openai.com/api-keys",
    ),
    Provider(
        "SEC003",
        "anthropic-api-key",
        "Anthropic API key",
        "`sk-ant-api03-` and `sk-ant-admin01-` keys (93 characters, then `AA`)",
        "ANTHROPIC_API_KEY",
        "https://console.anthropic.com/settings/keys",
    ),
    Provider(
        "SEC004",
        "replicate-token",
        "Replicate API token",
        "`r8_` followed by 37 letters/digits",
        "REPLICATE_API_TOKEN",
        "https://replicate.com/account/api-tokens",
    ),
    Provider(
        "SEC005",
        "wandb-api-key",
        "Weights & Biases API key",
        "new `wandb_v1_` keys anywhere; legacy 40-hex keys assigned to `WANDB_API_KEY`, "
        "passed to `wandb.login(key=…)` / `wandb login`, or in `.netrc` for `api.wandb.ai`",
        "WANDB_API_KEY",
        "https://wandb.ai/authorize",
    ),
    Provider(
        "SEC006",
        "databricks-token",
        "Databricks personal access token",
        "`dapi` followed by 32 hex digits",
        "DATABRICKS_TOKEN",
        "https://docs.databricks.com/en/dev-tools/auth/pat.html",
    ),
    Provider(
        "SEC007",
        "kaggle-api-key",
        "Kaggle API key",
        '`KGAT_` tokens anywhere; legacy 32-hex keys in `kaggle.json` (`"key"` next to '
        '`"username"`) or assigned to `KAGGLE_KEY`',
        "KAGGLE_KEY",
        "https://www.kaggle.com/settings/account",
    ),
    Provider(
        "SEC008",
        "groq-api-key",
        "Groq API key",
        "`gsk_` followed by 52 letters/digits",
        "GROQ_API_KEY",
        "https://console.groq.com/keys",
    ),
    Provider(
        "SEC009",
        "perplexity-api-key",
        "Perplexity API key",
        "`pplx-` followed by 40-64 letters/digits",
        "PERPLEXITY_API_KEY",
        "https://www.perplexity.ai/settings/api",
    ),
    Provider(
        "SEC010",
        "together-api-key",
        "Together AI API key",
        "`tgp_v1_` keys anywhere; legacy 64-hex keys assigned to `TOGETHER_API_KEY`",
        "TOGETHER_API_KEY",
        "https://api.together.ai/settings/api-keys",
    ),
    Provider(
        "SEC011",
        "pinecone-api-key",
        "Pinecone API key",
        "`pcsk_` keys anywhere; legacy UUID keys assigned to `PINECONE_API_KEY` or passed "
        "as `Pinecone(api_key=…)`",
        "PINECONE_API_KEY",
        "https://app.pinecone.io",
    ),
    Provider(
        "SEC012",
        "langsmith-api-key",
        "LangSmith API key",
        "`lsv2_pt_` / `lsv2_sk_` keys",
        "LANGSMITH_API_KEY",
        "https://smith.langchain.com/settings",
    ),
    Provider(
        "SEC013",
        "langfuse-secret-key",
        "Langfuse secret key",
        "`sk-lf-` followed by a UUID (the public `pk-lf-` key is not a secret)",
        "LANGFUSE_SECRET_KEY",
        "https://langfuse.com/docs/get-started",
    ),
    Provider(
        "SEC014",
        "google-api-key",
        "Google API key (Gemini / Google AI / GCP)",
        "`AIza` followed by 35 characters",
        "GOOGLE_API_KEY",
        "https://console.cloud.google.com/apis/credentials",
    ),
    Provider(
        "SEC015",
        "xai-api-key",
        "xAI API key",
        "`xai-` followed by 60-100 letters/digits",
        "XAI_API_KEY",
        "https://console.x.ai",
    ),
    Provider(
        "SEC016",
        "openrouter-api-key",
        "OpenRouter API key",
        "`sk-or-v1-` followed by 64 hex digits",
        "OPENROUTER_API_KEY",
        "https://openrouter.ai/settings/keys",
    ),
    Provider(
        "SEC017",
        "nvidia-api-key",
        "NVIDIA API key",
        "`nvapi-` keys (NGC / build.nvidia.com)",
        "NVIDIA_API_KEY",
        "https://org.ngc.nvidia.com/setup/api-keys",
    ),
    Provider(
        "SEC018",
        "aws-credentials",
        "AWS access key",
        "access key ids (`AKIA`, `ASIA`, `ABIA`, `ACCA` + 16 upper-case letters/digits) and "
        "40-character secret keys stored under `aws_secret_access_key` in any syntax",
        "AWS_ACCESS_KEY_ID",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        Severity.CRITICAL,
    ),
    Provider(
        "SEC019",
        "github-token",
        "GitHub token",
        "`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` tokens whose last 6 characters are the "
        "base62 CRC-32 of the 30 before them (checked offline: a token with a wrong checksum "
        "was typed by hand and is not reported), and fine-grained `github_pat_` tokens",
        "GITHUB_TOKEN",
        "https://github.com/settings/tokens",
    ),
    Provider(
        "SEC020",
        "pypi-token",
        "PyPI API token",
        "`pypi-` + base64url of a version-2 macaroon located at `pypi.org` or "
        "`test.pypi.org`, with its caveats and 32-byte signature (the structure is decoded "
        "and checked offline; a truncated or hand-typed token is not reported)",
        "PYPI_API_TOKEN",
        "https://pypi.org/manage/account/token/",
    ),
    Provider(
        "SEC021",
        "dockerhub-token",
        "Docker Hub access token",
        "personal `dckr_pat_` and organization `dckr_oat_` tokens",
        "DOCKERHUB_TOKEN",
        "https://app.docker.com/settings/personal-access-tokens",
    ),
    Provider(
        "SEC022",
        "private-key",
        "private key",
        "PEM, OpenSSH, encrypted and PGP private key blocks with a key body",
        "SSH_PRIVATE_KEY",
        "https://docs.github.com/en/authentication/connecting-to-github-with-ssh",
        Severity.CRITICAL,
    ),
    Provider(
        "SEC023",
        "gcp-service-account",
        "GCP service-account key",
        'the `private_key` of a service-account JSON (`"type": "service_account"`)',
        "GOOGLE_APPLICATION_CREDENTIALS",
        "https://cloud.google.com/iam/docs/keys-create-delete",
        Severity.CRITICAL,
    ),
    Provider(
        "SEC024",
        "cohere-api-key",
        "Cohere API key",
        "40-character keys assigned to `COHERE_API_KEY`/`CO_API_KEY` or passed to "
        "`cohere.Client(…)`",
        "COHERE_API_KEY",
        "https://dashboard.cohere.com/api-keys",
        confidence=Confidence.MEDIUM,
    ),
    Provider(
        "SEC025",
        "mistral-api-key",
        "Mistral API key",
        "32-character keys assigned to `MISTRAL_API_KEY` or passed as `Mistral(api_key=…)`",
        "MISTRAL_API_KEY",
        "https://console.mistral.ai/api-keys",
        confidence=Confidence.MEDIUM,
    ),
    Provider(
        "SEC026",
        "azure-openai-key",
        "Azure OpenAI key",
        "32-100 character keys assigned to `AZURE_OPENAI_API_KEY` or passed as "
        "`AzureOpenAI(api_key=…)`",
        "AZURE_OPENAI_API_KEY",
        "https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/managed-identity",
        confidence=Confidence.MEDIUM,
    ),
    Provider(
        "SEC027",
        "deepseek-api-key",
        "DeepSeek API key",
        "`sk-` followed by 32 hex digits, in files that mention DeepSeek",
        "DEEPSEEK_API_KEY",
        "https://platform.deepseek.com/api_keys",
        confidence=Confidence.MEDIUM,
    ),
    Provider(
        "SEC028",
        "comet-api-key",
        "Comet API key",
        "keys assigned to `COMET_API_KEY` or passed as `Experiment(api_key=…)`",
        "COMET_API_KEY",
        "https://www.comet.com/account-settings/apiKeys",
        confidence=Confidence.MEDIUM,
    ),
    Provider(
        "SEC029",
        "neptune-api-token",
        "Neptune API token",
        'base64 tokens starting `eyJhcGlfYWRkcmVzcyI6` (`{"api_address":`)',
        "NEPTUNE_API_TOKEN",
        "https://docs.neptune.ai/setup/setting_api_token/",
    ),
    Provider(
        "SEC033",
        "slack-token",
        "Slack token or webhook",
        "bot `xoxb-<team>-<bot>-<24>`, user `xoxp-<n>-<n>-<n>-<32 hex>`, app-level "
        "`xapp-1-…`, configuration `xoxe.xoxp-1-…` and refresh `xoxe-1-…` tokens, legacy "
        "`xoxa-`/`xoxr-`/`xoxs-` tokens, and `hooks.slack.com` `/services/`, `/workflows/` and "
        "`/triggers/` URLs (shapes without the team/user ids, such as `xoxb-12345-abc`, are "
        "not tokens)",
        "SLACK_BOT_TOKEN",
        "https://api.slack.com/authentication/token-types",
    ),
    Provider(
        "SEC034",
        "stripe-live-key",
        "Stripe live key",
        "`sk_live_` and `rk_live_` keys (24 or 99 characters)",
        "STRIPE_API_KEY",
        "https://dashboard.stripe.com/apikeys",
        Severity.CRITICAL,
    ),
)
