"""Every credential kind of the corpus, as data: format, reference, names, token shapes.

The formats come from the providers' documentation where it states them, else from the
peer scanners' rule documentation (gitleaks, trufflehog); `notes/secrets-catalogue.md`
says which for each. Only prefixes appear here; every body is random (see `gen.py`).
"""

from __future__ import annotations

import json

import snippets as S
from gen import ALNUM, B36, B64, B64URL, DIGITS, HEX, LOWER, UPPER, Gen, b64, crc32_b62
from model import Provider, Shape, Variant

ALNUM_DASH = ALNUM + "-_"
LOWER_DIGITS = LOWER + DIGITS
UPPER_DIGITS = UPPER + DIGITS


def tok(label: str, prefix: str, n: int, charset: str = ALNUM, suffix: str = "") -> Variant:
    return Variant(label, Shape(prefix, n, charset, suffix))


def ctx(label: str, n: int, charset: str = ALNUM) -> Variant:
    """A bare value (no prefix): only its name anchors it."""
    return Variant(label, Shape("", n, charset), anchored=True)


def _crc_token(prefix: str) -> Variant:
    def make(g: Gen) -> str:
        body = g.mixed(30)
        return f"{prefix}_{body}{crc32_b62(body)}"

    def bad(g: Gen) -> str:
        body = g.mixed(30)
        good = crc32_b62(body)
        wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
        return f"{prefix}_{body}{wrong}"

    return Variant(f"{prefix}_ (CRC-32)", Shape(prefix + "_", 36), make, bad)


def _github_fine_grained(g: Gen) -> str:
    return "github_pat_11" + g.mixed(20, UPPER_DIGITS) + "_" + g.mixed(59)


def _glcbt(g: Gen) -> str:
    return f"glcbt-{g.int(1, 99):x}_" + g.mixed(20, ALNUM_DASH)


def _bitbucket_app_password(g: Gen) -> str:
    return "ATBB" + g.mixed(28) + g.hex(8).upper()


def _atlassian(prefix: str):
    def make(g: Gen) -> str:
        return prefix + g.mixed(170, ALNUM_DASH) + "=" + g.hex(8).upper()

    return make


def _aws_bedrock_long(g: Gen) -> str:
    inner = f"BedrockAPIKey-{g.s(4, LOWER_DIGITS)}-at-{g.digits(12)}:{g.s(40, B64)}"
    return "ABSK" + b64(inner.encode())


def _aws_bedrock_short(g: Gen) -> str:
    query = (
        "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential=ASIA{g.s(16, UPPER + '234567')}%2F20250612%2Fus-east-1%2Fbedrock"
        "%2Faws4_request&X-Amz-Date=20250612T101500Z&X-Amz-Expires=43200"
        f"&X-Amz-Security-Token={g.s(300, B64URL)}&X-Amz-Signature={g.hex(64)}&Version=1"
    )
    return "bedrock-api-key-" + b64(query.encode())


def _azure_ad_secret(g: Gen) -> str:
    while True:
        out = g.s(3, ALNUM + "_~.") + g.s(1, DIGITS) + "Q~" + g.s(34, ALNUM + "_~.-")
        if ".." not in out:
            return out


def _slack(kind: str):
    def make(g: Gen) -> str:
        if kind == "xoxb":
            return f"xoxb-{g.digits(12)}-{g.digits(13)}-{g.mixed(24)}"
        if kind == "xoxp":
            return f"xoxp-{g.digits(12)}-{g.digits(12)}-{g.digits(13)}-{g.hex(32)}"
        if kind == "xapp":
            return f"xapp-1-A{g.mixed(10, UPPER_DIGITS)}-{g.digits(13)}-{g.hex(64)}"
        if kind == "xoxe.xoxp":
            return "xoxe.xoxp-1-" + g.mixed(166)
        return "xoxe-1-" + g.mixed(146)

    return make


def _slack_hook(kind: str):
    def make(g: Gen) -> str:
        team = "T" + g.mixed(10, UPPER_DIGITS)
        if kind == "services":
            return f"https://hooks.slack.com/services/{team}/B{g.mixed(10, UPPER_DIGITS)}/" + (
                g.mixed(24)
            )
        if kind == "workflows":
            return (
                f"https://hooks.slack.com/workflows/{team}/A{g.mixed(10, UPPER_DIGITS)}/"
                f"{g.digits(18)}/{g.mixed(24)}"
            )
        return f"https://hooks.slack.com/triggers/{team}/{g.digits(13)}/{g.hex(32)}"

    return make


def _discord_bot(g: Gen) -> str:
    user = b64(g.digits(19).encode()).rstrip("=")
    return f"{user}.{g.mixed(6, ALNUM_DASH)}.{g.mixed(38, ALNUM_DASH)}"


def _discord_hook(g: Gen) -> str:
    host = g.pick(["discord.com", "discordapp.com"])
    return f"https://{host}/api/webhooks/{g.digits(19)}/{g.mixed(68, ALNUM_DASH)}"


def _sentry_org(g: Gen) -> str:
    claims = {
        "iat": 1_700_000_000 + g.int(0, 40_000_000),
        "url": "https://sentry.io",
        "region_url": "https://us.sentry.io",
        "org": g.word(),
    }
    return "sntrys_" + b64(json.dumps(claims, separators=(",", ":")).encode()) + "_" + g.s(43, B64)


def _op_service_account(g: Gen) -> str:
    doc = {
        "signInAddress": "my.1password.com",
        "userAuth": {
            "method": "SRPg-4096",
            "alg": "PBES2g-HS256",
            "iterations": 650000,
            "salt": g.s(22, B64URL),
        },
        "email": f"{g.s(13, LOWER_DIGITS)}@1passwordserviceaccounts.com",
        "srpX": g.hex(64),
        "muk": {"alg": "A256GCM", "ext": True, "k": g.s(43, B64URL), "kty": "oct", "kid": "mp"},
        "secretKey": _op_secret_key(g),
        "deviceUuid": g.s(26, LOWER_DIGITS),
    }
    return "ops_" + b64(json.dumps(doc, separators=(",", ":")).encode()).rstrip("=")


def _op_secret_key(g: Gen) -> str:
    parts = [g.s(n, UPPER_DIGITS) for n in (6, 6, 5, 5, 5, 5)]
    return "A3-" + "-".join(parts)


def _neptune(g: Gen) -> str:
    doc = {
        "api_address": "https://app.neptune.ai",
        "api_url": "https://app.neptune.ai",
        "api_key": g.uuid(),
    }
    return b64(json.dumps(doc, separators=(",", ":")).encode())


def _grafana_cloud(g: Gen) -> str:
    doc = {
        "o": g.digits(6),
        "n": f"stack-{g.digits(6)}-hm-read",
        "k": g.mixed(24),
        "m": {"r": "prod-eu-west-2"},
    }
    return "glc_" + b64(json.dumps(doc, separators=(",", ":")).encode())


def _openai(prefix: str, n: int):
    def make(g: Gen) -> str:
        return f"{prefix}{g.mixed(n, ALNUM_DASH)}T3BlbkFJ{g.mixed(n, ALNUM_DASH)}"

    return make


def _terraform(g: Gen) -> str:
    return g.mixed(14) + ".atlasv1." + g.mixed(67, ALNUM_DASH)


def _flyio_macaroon(g: Gen) -> str:
    return "fm2_" + ",".join(g.s(n, B64) for n in (180, 120))


def _dapi(g: Gen) -> str:
    return "dapi" + g.hex(32) + g.pick(["", "-2", "-3"])


P = Provider
PROVIDERS: tuple[Provider, ...] = (
    # --- source hosting -----------------------------------------------------------------
    P(
        "github",
        "GitHub token",
        "source hosting",
        "`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 30 base62 + 6-char base62 CRC-32 of those 30; "
        "fine-grained `github_pat_` + 22 + `_` + 59",
        "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/",
        ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT", "GH_ENTERPRISE_TOKEN"),
        (
            _crc_token("ghp"),
            _crc_token("gho"),
            _crc_token("ghu"),
            _crc_token("ghs"),
            _crc_token("ghr"),
            Variant("github_pat_", Shape("github_pat_11", 80), _github_fine_grained),
        ),
        header="Authorization: token {v}",
    ),
    P(
        "gitlab",
        "GitLab token (every kind)",
        "source hosting",
        "`glpat-` 20 [A-Za-z0-9_-] (legacy) or routable `glpat-<base64url payload>.01<7 base36 "
        "CRC>`; `gldt-` deploy 20, `glrt-` runner 20, `glcbt-<partition>_` CI job 20, `glft-` feed "
        "20, `glimt-` incoming mail 25, `glsoat-` SCIM 20, `glffct-` feature flag 20, `glagent-` "
        "k8s agent 50, `gloas-` OAuth app secret 64, `glptt-` trigger 40 hex, `GR1348941` runner "
        "registration 20",
        "https://docs.gitlab.com/security/tokens/#token-prefixes",
        ("GITLAB_TOKEN", "GL_TOKEN", "PRIVATE_TOKEN", "CI_DEPLOY_PASSWORD", "RUNNER_TOKEN"),
        (
            tok("glpat- legacy", "glpat-", 20, ALNUM_DASH),
            Variant(
                "glpat- routable",
                Shape("glpat-", 40, ALNUM_DASH),
                lambda g: g.gitlab_routable("glpat-"),
            ),
            tok("gldt-", "gldt-", 20, ALNUM_DASH),
            tok("glrt-", "glrt-", 20, ALNUM_DASH),
            Variant("glcbt-", Shape("glcbt-1_", 20, ALNUM_DASH), _glcbt),
            tok("glft-", "glft-", 20, ALNUM_DASH),
            tok("glimt-", "glimt-", 25, ALNUM_DASH),
            tok("glsoat-", "glsoat-", 20, ALNUM_DASH),
            tok("glffct-", "glffct-", 20, ALNUM_DASH),
            tok("glagent-", "glagent-", 50, ALNUM_DASH),
            tok("gloas-", "gloas-", 64, ALNUM_DASH),
            tok("glptt-", "glptt-", 40, HEX),
            tok("GR1348941", "GR1348941", 20, ALNUM_DASH),
        ),
        header="PRIVATE-TOKEN: {v}",
    ),
    P(
        "bitbucket",
        "Bitbucket app password / access token",
        "source hosting",
        "app password `ATBB` + 28 base62 + 8 hex (CRC-32); repository/workspace access token "
        "`ATCTT3xFfGN0` + base64url + `=` + 8 hex",
        "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/ (format: trufflehog "
        "bitbucketapppassword, atlassian v2)",
        ("BITBUCKET_APP_PASSWORD", "BITBUCKET_TOKEN", "BB_AUTH_STRING"),
        (
            Variant("ATBB", Shape("ATBB", 36), _bitbucket_app_password),
            Variant("ATCTT3", Shape("ATCTT3xFfGN0", 179, ALNUM_DASH), _atlassian("ATCTT3xFfGN0")),
        ),
    ),
    # --- package registries -------------------------------------------------------------
    P(
        "pypi",
        "PyPI API token",
        "package registry",
        "`pypi-` + base64url(v2 macaroon): `AgEIcHlwaS5vcmc` = version 2, location `pypi.org`, "
        "then a 36-char UUID identifier (`CJ…`), caveats, 32-byte signature",
        "https://pypi.org/help/#apitoken ; https://pypitoken.readthedocs.io/",
        ("PYPI_TOKEN", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "PYPI_API_TOKEN"),
        (Variant("macaroon", Shape("pypi-AgEIcHlwaS5vcmcCJ", 160, B64URL), Gen.pypi_macaroon),),
        header="Authorization: token {v}",
    ),
    P(
        "npm",
        "npm access token",
        "package registry",
        "`npm_` + 30 base62 + 6-char base62 CRC-32 (same scheme as GitHub)",
        "https://github.blog/2021-09-23-announcing-npms-new-access-token-format/",
        ("NPM_TOKEN", "NODE_AUTH_TOKEN", "NPM_AUTH_TOKEN"),
        (_crc_token("npm"),),
    ),
    P(
        "nuget",
        "NuGet API key",
        "package registry",
        "`oy2` + 43 lowercase alphanumerics (46 chars)",
        "https://learn.microsoft.com/en-us/nuget/nuget-org/scoped-api-keys (format: trufflehog "
        "nugetapikey)",
        ("NUGET_API_KEY", "NUGET_KEY"),
        (tok("oy2", "oy2", 43, LOWER_DIGITS),),
        header="X-NuGet-ApiKey: {v}",
    ),
    P(
        "rubygems",
        "RubyGems API key",
        "package registry",
        "`rubygems_` + 48 hex",
        "https://guides.rubygems.org/api-key-scopes/ (format: gitleaks rubygems-api-token)",
        ("GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"),
        (tok("rubygems_", "rubygems_", 48, HEX),),
    ),
    P(
        "dockerhub",
        "Docker Hub access token",
        "package registry",
        "personal `dckr_pat_` + 27 [A-Za-z0-9_-]; organization `dckr_oat_` + 32",
        "https://docs.docker.com/security/for-developers/access-tokens/",
        ("DOCKERHUB_TOKEN", "DOCKER_PASSWORD", "REGISTRY_PASSWORD"),
        (
            tok("dckr_pat_", "dckr_pat_", 27, ALNUM_DASH),
            tok("dckr_oat_", "dckr_oat_", 32, ALNUM_DASH),
        ),
    ),
    # --- clouds -------------------------------------------------------------------------
    P(
        "aws-access-key-id",
        "AWS access key ID",
        "cloud",
        "`AKIA` (long-term) / `ASIA` (STS) + 16 base32 [A-Z2-7]",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"
        "#identifiers-unique-ids",
        ("AWS_ACCESS_KEY_ID", "aws_access_key_id"),
        (tok("AKIA", "AKIA", 16, UPPER + "234567"), tok("ASIA", "ASIA", 16, UPPER + "234567")),
    ),
    P(
        "aws-secret-access-key",
        "AWS secret access key",
        "cloud",
        "40 base64 characters; no prefix, recognisable only by its name",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        ("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "AWS_SECRET_KEY"),
        (ctx("40 base64", 40, B64),),
        header="",
    ),
    P(
        "aws-bedrock",
        "Amazon Bedrock API key",
        "cloud",
        "long-term `ABSK` + base64(`BedrockAPIKey-…-at-<account>:<secret>`); short-term "
        "`bedrock-api-key-` + base64 of a SigV4 presigned `bedrock.amazonaws.com` URL",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
        ("AWS_BEARER_TOKEN_BEDROCK", "BEDROCK_API_KEY"),
        (
            Variant("ABSK", Shape("ABSK", 120, B64), _aws_bedrock_long),
            # pragma: allowlist nextline secret
            Variant(
                "bedrock-api-key-",
                Shape("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t", 600, B64),
                _aws_bedrock_short,
            ),
        ),
    ),
    P(
        "gcp-api-key",
        "Google Cloud / Gemini API key",
        "cloud",
        "`AIza` + 35 [A-Za-z0-9_-] (39 chars)",
        "https://cloud.google.com/docs/authentication/api-keys",
        ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GCP_API_KEY", "FIREBASE_API_KEY"),
        (tok("AIza", "AIzaSy", 33, ALNUM_DASH),),
        header="x-goog-api-key: {v}",
        ai=True,
    ),
    P(
        "gcp-service-account",
        "GCP service-account key file",
        "cloud",
        'JSON with `"type": "service_account"` and a PKCS#8 PEM `private_key`',
        "https://cloud.google.com/iam/docs/keys-create-delete",
        snippets=(S.gcp_service_account,),
        ai=True,
    ),
    P(
        "azure-ad-client-secret",
        "Azure AD (Entra ID) client secret",
        "cloud",
        "40 chars: 3 [A-Za-z0-9_~.] + digit + `Q~` + 34 [A-Za-z0-9_~.-]",
        "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials "
        "(format: gitleaks azure-ad-client-secret)",
        ("AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET", "CLIENT_SECRET"),
        (Variant("…Q~…", Shape("", 40, ALNUM + "_~.-"), _azure_ad_secret),),
        header="",
    ),
    P(
        "azure-storage-key",
        "Azure storage account key",
        "cloud",
        "88-char base64 (64 bytes) `AccountKey=` in a connection string, or a bare key",
        "https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage",
        snippets=(S.azure_storage,),
    ),
    P(
        "azure-sas",
        "Azure SAS token",
        "cloud",
        "query string `sv=…&se=…&sp=…&sig=<url-encoded base64 HMAC-SHA256>`",
        "https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas",
        snippets=(S.azure_sas,),
    ),
    # --- CI/CD and orchestration ----------------------------------------------------------
    P(
        "prefect",
        "Prefect API key",
        "CI/CD",
        "user `pnu_` + 36 base62; service-account (bot) `pnb_` + 36 base62",
        "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys",
        ("PREFECT_API_KEY",),
        (tok("pnu_", "pnu_", 36), tok("pnb_", "pnb_", 36)),
    ),
    P(
        "airflow-connection",
        "Airflow connection with password",
        "CI/CD",
        # pragma: allowlist nextline secret
        "`AIRFLOW_CONN_<ID>` as a URI `scheme://login:password@host` or JSON with `password`",
        "https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html",
        snippets=(S.airflow_conn,),
    ),
    P(
        "circleci",
        "CircleCI API token",
        "CI/CD",
        "personal `CCIPAT_` / project `CCIPRJ_` + 22 base62 + `_` + 40 hex; legacy 40 hex",
        "https://circleci.com/docs/managing-api-tokens/ (format: trufflehog circleci v2)",
        ("CIRCLECI_TOKEN", "CIRCLE_TOKEN"),
        (
            Variant("CCIPAT_", Shape("CCIPAT_", 63), lambda g: f"CCIPAT_{g.mixed(22)}_{g.hex(40)}"),
            Variant("CCIPRJ_", Shape("CCIPRJ_", 63), lambda g: f"CCIPRJ_{g.mixed(22)}_{g.hex(40)}"),
        ),
        header="Circle-Token: {v}",
    ),
    P(
        "buildkite",
        "Buildkite API access token",
        "CI/CD",
        "`bkua_` + 40 lowercase alphanumerics",
        "https://buildkite.com/docs/apis/managing-api-tokens (format: trufflehog buildkite v2)",
        ("BUILDKITE_API_TOKEN", "BUILDKITE_TOKEN"),
        (tok("bkua_", "bkua_", 40, LOWER_DIGITS),),
    ),
    # --- chat and alerting ----------------------------------------------------------------
    P(
        "slack",
        "Slack token",
        "chat/alerting",
        "bot `xoxb-<team>-<bot>-<24>`, user `xoxp-<n>-<n>-<n>-<32 hex>`, app-level "
        "`xapp-1-A<id>-<n>-<64 hex>`, configuration `xoxe.xoxp-1-<166>` and refresh `xoxe-1-<146>`",
        "https://api.slack.com/authentication/token-types",
        ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_TOKEN", "SLACK_USER_TOKEN"),
        (
            Variant("xoxb", Shape("xoxb-", 50), _slack("xoxb")),
            Variant("xoxp", Shape("xoxp-", 70), _slack("xoxp")),
            Variant("xapp", Shape("xapp-1-A", 90), _slack("xapp")),
            Variant("xoxe.xoxp", Shape("xoxe.xoxp-1-", 166), _slack("xoxe.xoxp")),
            Variant("xoxe", Shape("xoxe-1-", 146), _slack("xoxe")),
        ),
        negatives=(
            ("not-a-token-shape", "xoxb-12345-abcd234"),  # pragma: allowlist secret
            ("not-a-token-shape", "xoxp-1234567890"),  # pragma: allowlist secret
            ("not-a-token-shape", "xoxb-xoxb-my-bot-token"),
        ),
    ),  # pragma: allowlist secret
    P(
        "slack-webhook",
        "Slack incoming webhook / workflow trigger URL",
        "chat/alerting",
        "`https://hooks.slack.com/services/T…/B…/<24>`; newer `/workflows/T…/A…/<n>/<24>` and "
        "`/triggers/T…/<n>/<32 hex>`",
        "https://api.slack.com/messaging/webhooks",
        ("SLACK_WEBHOOK_URL", "SLACK_WEBHOOK", "ALERT_WEBHOOK"),
        (
            Variant(
                "services", Shape("https://hooks.slack.com/services/T", 40), _slack_hook("services")
            ),
            Variant(
                "workflows",
                Shape("https://hooks.slack.com/workflows/T", 60),
                _slack_hook("workflows"),
            ),
            Variant(
                "triggers", Shape("https://hooks.slack.com/triggers/T", 60), _slack_hook("triggers")
            ),
        ),
        header="",
    ),
    P(
        "discord",
        "Discord bot token",
        "chat/alerting",
        "base64(user id) `.` 6 chars (timestamp) `.` 38 chars HMAC, [A-Za-z0-9_-]",
        "https://discord.com/developers/docs/reference#authentication",
        ("DISCORD_BOT_TOKEN", "DISCORD_TOKEN"),
        (Variant("bot", Shape("MTI", 68, ALNUM_DASH), _discord_bot),),
        header="Authorization: Bot {v}",
    ),
    P(
        "discord-webhook",
        "Discord webhook URL",
        "chat/alerting",
        "`https://discord.com/api/webhooks/<18-19 digit id>/<68 [A-Za-z0-9_-]>`",
        "https://discord.com/developers/docs/resources/webhook",
        ("DISCORD_WEBHOOK_URL", "DISCORD_WEBHOOK"),
        (Variant("webhook", Shape("https://discord.com/api/webhooks/", 88), _discord_hook),),
        header="",
    ),
    P(
        "telegram",
        "Telegram bot token",
        "chat/alerting",
        "`<8-10 digit bot id>:AA` + 33 [A-Za-z0-9_-]",
        "https://core.telegram.org/bots/api#authorizing-your-bot",
        ("TELEGRAM_BOT_TOKEN", "TG_BOT_TOKEN", "TELEGRAM_TOKEN"),
        (
            Variant(
                "bot",
                Shape("1234567890:AA", 33, ALNUM_DASH),
                lambda g: f"{g.digits(10)}:AA{g.mixed(33, ALNUM_DASH)}",
            ),
        ),
        header="",
    ),
    P(
        "sentry",
        "Sentry auth token",
        "chat/alerting",
        "organization `sntrys_` + base64 JSON (`iat`, `url`, `region_url`, `org`) + `_` + 43 "
        "base64; user `sntryu_` + 64 hex",
        "https://docs.sentry.io/account/auth-tokens/",
        ("SENTRY_AUTH_TOKEN",),
        (
            Variant("sntrys_", Shape("sntrys_eyJpYXQiO", 150, B64), _sentry_org),
            tok("sntryu_", "sntryu_", 64, HEX),
        ),
    ),
    # --- secret managers --------------------------------------------------------------------
    P(
        "vault",
        "HashiCorp Vault token",
        "secret manager",
        "service `hvs.` (24 base62, or ~90 base64url `CAES…` with HMAC), batch `hvb.` (138+), "
        "recovery `hvr.`; legacy `s.` + 24",
        "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
        ("VAULT_TOKEN", "VAULT_ROOT_TOKEN"),
        (
            tok("hvs. short", "hvs.", 24),
            tok("hvs. long", "hvs.CAESI", 90, ALNUM_DASH),
            tok("hvb.", "hvb.AAAAAQ", 150, ALNUM_DASH),
            tok("hvr.", "hvr.", 24),
        ),
        header="X-Vault-Token: {v}",
    ),
    P(
        "1password",
        "1Password service-account token / secret key",
        "secret manager",
        "service account `ops_` + base64 JSON (`eyJ…`, 250+ chars); account secret key "
        "`A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX`",
        "https://developer.1password.com/docs/service-accounts/ ; "
        "https://support.1password.com/secret-key/",
        ("OP_SERVICE_ACCOUNT_TOKEN", "OP_SECRET_KEY"),
        (
            Variant("ops_", Shape("ops_eyJ", 400, B64), _op_service_account),
            Variant("A3- secret key", Shape("A3-", 37, UPPER_DIGITS), _op_secret_key),
        ),
    ),
    P(
        "doppler",
        "Doppler token",
        "secret manager",
        "`dp.pt.` personal, `dp.st.[<config>.]` service, `dp.sa.` service account, `dp.ct.` CLI, "
        "`dp.scim.`, `dp.audit.` + 40-44 base62",
        "https://docs.doppler.com/reference/auth-token-formats",
        ("DOPPLER_TOKEN",),
        tuple(
            tok(p, p, 43)
            for p in ("dp.pt.", "dp.st.", "dp.st.prd.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit.")
        ),
    ),
    # --- payments -------------------------------------------------------------------------
    P(
        "stripe",
        "Stripe secret / restricted key, webhook secret",
        "payments",
        "`sk_live_`/`sk_test_`/`rk_live_`/`rk_test_` + 24 or 99 base62; webhook `whsec_` + 32",
        "https://docs.stripe.com/keys ; https://docs.stripe.com/webhooks#verify-events",
        ("STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET"),
        (
            tok("sk_live_ 99", "sk_live_51", 97),
            tok("sk_test_ 99", "sk_test_51", 97),
            tok("rk_live_ 24", "rk_live_", 24),
            tok("rk_test_ 99", "rk_test_51", 97),
            tok("sk_test_ 24", "sk_test_", 24),
            tok("whsec_", "whsec_", 32),
        ),
    ),
    P(
        "square",
        "Square access token / application secret",
        "payments",
        "access token `EAAA` + 60 [A-Za-z0-9_-]; legacy `sq0atp-` + 22; app secret `sq0csp-` + 43",
        "https://developer.squareup.com/docs/build-basics/access-tokens",
        ("SQUARE_ACCESS_TOKEN", "SQUARE_APPLICATION_SECRET"),
        (
            tok("EAAA", "EAAA", 60, ALNUM_DASH),
            tok("sq0atp-", "sq0atp-", 22, ALNUM_DASH),
            tok("sq0csp-", "sq0csp-", 43, ALNUM_DASH),
        ),
    ),
    P(
        "braintree",
        "Braintree / PayPal access token",
        "payments",
        "`access_token$production$<16 [0-9a-z]>$<32 hex>` (also `$sandbox$`)",
        "https://developer.paypal.com/braintree/docs/guides/authorization/overview",
        ("BRAINTREE_ACCESS_TOKEN", "PAYPAL_ACCESS_TOKEN"),
        (
            Variant(
                "production",
                Shape("access_token$production$", 49, LOWER_DIGITS),
                lambda g: f"access_token$production${g.s(16, LOWER_DIGITS)}${g.hex(32)}",
            ),
            Variant(
                "sandbox",
                Shape("access_token$sandbox$", 49, LOWER_DIGITS),
                lambda g: f"access_token$sandbox${g.s(16, LOWER_DIGITS)}${g.hex(32)}",
            ),
        ),
    ),
    P(
        "paypal",
        "PayPal REST client secret",
        "payments",
        "80 [A-Za-z0-9_-] starting `E`; no prefix, recognisable only by its name",
        "https://developer.paypal.com/api/rest/authentication/",
        ("PAYPAL_CLIENT_SECRET", "PAYPAL_SECRET"),
        (ctx("80 base64url", 80, ALNUM_DASH),),
        header="",
    ),
    # --- JWTs, keys, manifests, command lines -----------------------------------------------
    P(
        "jwt",
        "JSON Web Token",
        "tokens",
        'base64url(`{"alg"…`) `.` base64url(claims) `.` signature',
        "https://datatracker.ietf.org/doc/html/rfc7519",
        ("ACCESS_TOKEN", "ID_TOKEN", "SUPABASE_SERVICE_ROLE_KEY", "SESSION_TOKEN"),
        (
            Variant(
                "HS256/RS256",
                Shape("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ", 120, B64URL),
                Gen.jwt,
            ),
        ),
    ),
    P(
        "private-key",
        "Private key block",
        "keys",
        "PEM `-----BEGIN [RSA |EC |DSA |ENCRYPTED ]PRIVATE KEY-----`, OpenSSH "
        # pragma: allowlist nextline secret
        "`-----BEGIN OPENSSH PRIVATE KEY-----` (`b3BlbnNzaC1rZXktdjE…`), PGP `-----BEGIN PGP "
        "PRIVATE KEY BLOCK-----`",
        "https://datatracker.ietf.org/doc/html/rfc7468 ; "
        "https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key",
        snippets=(S.private_key,),
        snippet_negatives=(S.public_key_negative,),
    ),
    P(
        "k8s-secret",
        "Kubernetes Secret manifest",
        "keys",
        "`kind: Secret` with base64 values under `data:` (or clear text under `stringData:`)",
        "https://kubernetes.io/docs/concepts/configuration/secret/",
        snippets=(S.k8s_secret,),
        snippet_negatives=(S.k8s_negative,),
    ),
    P(
        "curl-basic-auth",
        "HTTP basic auth on a command line",
        "HTTP auth",
        "`curl -u user:pass`, `--user`, `wget --password=`, `http -a user:pass`",
        "https://curl.se/docs/manpage.html#-u",
        snippets=(S.curl_basic,),
        snippet_negatives=(S.curl_negative,),
    ),
    P(
        "curl-auth-header",
        "Authorization header on a command line",
        "HTTP auth",
        '`curl -H "Authorization: Bearer …"`, `Token …`, `Basic <base64>`, `X-API-Key: …`',
        "https://curl.se/docs/manpage.html#-H",
        snippets=(S.curl_bearer,),
    ),
    P(
        "netrc",
        ".netrc password",
        "HTTP auth",
        "`machine <host> login <user> password <pw>`",
        "https://everything.curl.dev/usingcurl/netrc.html",
        snippets=(S.netrc,),
        snippet_negatives=(S.netrc_negative,),
    ),
    P(
        "mongodb-uri",
        "MongoDB Atlas connection string",
        "databases",
        "`mongodb+srv://user:password@cluster.<id>.mongodb.net/…`",  # pragma: allowlist secret
        "https://www.mongodb.com/docs/manual/reference/connection-string/",
        snippets=(S.mongodb_uri,),
    ),
    # --- AI/ML providers mlwarden already covers ------------------------------------------------
    P(
        "huggingface",
        "Hugging Face token",
        "AI/ML",
        "`hf_` / `api_org_` + 34 base62",
        "https://huggingface.co/docs/hub/security-tokens",
        ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"),
        (tok("hf_", "hf_", 34), tok("api_org_", "api_org_", 34)),
        ai=True,
    ),
    P(
        "openai",
        "OpenAI API key",
        "AI/ML",
        "`sk-proj-`/`sk-svcacct-` + 74 + `T3BlbkFJ` + 74; `sk-admin-` 58+`T3BlbkFJ`+58; legacy "
        "`sk-` 20 + `T3BlbkFJ` + 20",
        "https://platform.openai.com/docs/api-reference/authentication",
        ("OPENAI_API_KEY",),
        (
            Variant("sk-proj-", Shape("sk-proj-", 156, ALNUM_DASH), _openai("sk-proj-", 74)),
            Variant(
                "sk-svcacct-", Shape("sk-svcacct-", 156, ALNUM_DASH), _openai("sk-svcacct-", 74)
            ),
            Variant("sk-admin-", Shape("sk-admin-", 124, ALNUM_DASH), _openai("sk-admin-", 58)),
            Variant("legacy", Shape("sk-", 48), _openai("sk-", 20)),
        ),
        ai=True,
    ),
    P(
        "anthropic",
        "Anthropic API key",
        "AI/ML",
        "`sk-ant-api03-` / `sk-ant-admin01-` + 93 + `AA`",
        "https://docs.anthropic.com/en/api/getting-started",
        ("ANTHROPIC_API_KEY",),
        (
            tok("sk-ant-api03-", "sk-ant-api03-", 93, ALNUM_DASH, "AA"),
            tok("sk-ant-admin01-", "sk-ant-admin01-", 93, ALNUM_DASH, "AA"),
        ),
        header="x-api-key: {v}",
        ai=True,
    ),
    P(
        "replicate",
        "Replicate API token",
        "AI/ML",
        "`r8_` + 37 base62",
        "https://replicate.com/docs/reference/http#authentication",
        ("REPLICATE_API_TOKEN",),
        (tok("r8_", "r8_", 37),),
        ai=True,
    ),
    P(
        "wandb",
        "Weights & Biases API key",
        "AI/ML",
        "`wandb_v1_` + base64url (new); 40 hex (legacy, name-anchored)",
        "https://docs.wandb.ai/guides/track/environment-variables/",
        ("WANDB_API_KEY",),
        (tok("wandb_v1_", "wandb_v1_", 60, ALNUM_DASH), ctx("40 hex", 40, HEX)),
        ai=True,
    ),
    P(
        "databricks",
        "Databricks token",
        "AI/ML",
        "`dapi` + 32 hex (+ `-<n>`)",
        "https://docs.databricks.com/en/dev-tools/auth/pat.html",
        ("DATABRICKS_TOKEN",),
        (Variant("dapi", Shape("dapi", 32, HEX), _dapi),),
        ai=True,
    ),
    P(
        "kaggle",
        "Kaggle API key",
        "AI/ML",
        "`KGAT_` + 32 hex; legacy 32 hex (name-anchored)",
        "https://www.kaggle.com/docs/api#authentication",
        ("KAGGLE_KEY", "KAGGLE_API_KEY"),
        (tok("KGAT_", "KGAT_", 32, HEX), ctx("32 hex", 32, HEX)),
        ai=True,
    ),
    P(
        "groq",
        "Groq API key",
        "AI/ML",
        "`gsk_` + 52 base62",
        "https://console.groq.com/docs/api-keys",
        ("GROQ_API_KEY",),
        (tok("gsk_", "gsk_", 52),),
        ai=True,
    ),
    P(
        "perplexity",
        "Perplexity API key",
        "AI/ML",
        "`pplx-` + 48 base62",
        "https://docs.perplexity.ai/guides/getting-started",
        ("PERPLEXITY_API_KEY", "PPLX_API_KEY"),
        (tok("pplx-", "pplx-", 48),),
        ai=True,
    ),
    P(
        "together",
        "Together AI API key",
        "AI/ML",
        "`tgp_v1_` + 43 base64url; legacy 64 hex (name-anchored)",
        "https://docs.together.ai/reference/authentication-1",
        ("TOGETHER_API_KEY",),
        (tok("tgp_v1_", "tgp_v1_", 43, ALNUM_DASH), ctx("64 hex", 64, HEX)),
        ai=True,
    ),
    P(
        "pinecone",
        "Pinecone API key",
        "AI/ML",
        "`pcsk_` + 5 + `_` + 63 base62; legacy UUID (name-anchored)",
        "https://docs.pinecone.io/guides/projects/manage-api-keys",
        ("PINECONE_API_KEY",),
        (
            Variant("pcsk_", Shape("pcsk_", 69), lambda g: f"pcsk_{g.mixed(5)}_{g.mixed(63)}"),
            Variant("uuid", Shape("", 36, HEX), Gen.uuid, anchored=True),
        ),
        ai=True,
    ),
    P(
        "langsmith",
        "LangSmith API key",
        "AI/ML",
        "`lsv2_pt_`/`lsv2_sk_` + 32 hex + `_` + 10 hex",
        "https://docs.smith.langchain.com/administration/how_to_guides/organization_management"
        "/create_account_api_key",
        ("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"),
        (
            Variant(
                "lsv2_pt_", Shape("lsv2_pt_", 43, HEX), lambda g: f"lsv2_pt_{g.hex(32)}_{g.hex(10)}"
            ),
            Variant(
                "lsv2_sk_", Shape("lsv2_sk_", 43, HEX), lambda g: f"lsv2_sk_{g.hex(32)}_{g.hex(10)}"
            ),
        ),
        ai=True,
    ),
    P(
        "langfuse",
        "Langfuse secret key",
        "AI/ML",
        "`sk-lf-` + UUID",
        "https://langfuse.com/docs/get-started",
        ("LANGFUSE_SECRET_KEY",),
        (Variant("sk-lf-", Shape("sk-lf-", 36, HEX), lambda g: "sk-lf-" + g.uuid()),),
        ai=True,
    ),
    P(
        "xai",
        "xAI API key",
        "AI/ML",
        "`xai-` + 80 base62",
        "https://docs.x.ai/docs/overview",
        ("XAI_API_KEY",),
        (tok("xai-", "xai-", 80),),
        ai=True,
    ),
    P(
        "openrouter",
        "OpenRouter API key",
        "AI/ML",
        "`sk-or-v1-` + 64 hex",
        "https://openrouter.ai/docs/api-reference/authentication",
        ("OPENROUTER_API_KEY",),
        (tok("sk-or-v1-", "sk-or-v1-", 64, HEX),),
        ai=True,
    ),
    P(
        "nvidia",
        "NVIDIA API key",
        "AI/ML",
        "`nvapi-` + 64 [A-Za-z0-9_-]",
        "https://docs.api.nvidia.com/nim/docs/api-quickstart",
        ("NVIDIA_API_KEY", "NGC_API_KEY"),
        (tok("nvapi-", "nvapi-", 64, ALNUM_DASH),),
        ai=True,
    ),
    P(
        "cohere",
        "Cohere API key",
        "AI/ML",
        "40 base62, name-anchored (`COHERE_API_KEY`, `CO_API_KEY`)",
        "https://docs.cohere.com/reference/about",
        ("COHERE_API_KEY", "CO_API_KEY"),
        (ctx("40 base62", 40),),
        header="",
        ai=True,
    ),
    P(
        "mistral",
        "Mistral API key",
        "AI/ML",
        "32 base62, name-anchored (`MISTRAL_API_KEY`)",
        "https://docs.mistral.ai/getting-started/quickstart/",
        ("MISTRAL_API_KEY",),
        (ctx("32 base62", 32),),
        header="",
        ai=True,
    ),
    P(
        "azure-openai",
        "Azure OpenAI key",
        "AI/ML",
        "32 hex, name-anchored (`AZURE_OPENAI_API_KEY`)",
        "https://learn.microsoft.com/en-us/azure/ai-services/openai/reference",
        ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY"),
        (ctx("32 hex", 32, HEX),),
        header="api-key: {v}",
        ai=True,
    ),
    P(
        "deepseek",
        "DeepSeek API key",
        "AI/ML",
        "`sk-` + 32 hex, with a DeepSeek name nearby",
        "https://api-docs.deepseek.com/",
        ("DEEPSEEK_API_KEY",),
        (Variant("sk- hex", Shape("sk-", 32, HEX), anchored=True),),
        header="",
        ai=True,
    ),
    P(
        "comet",
        "Comet ML API key",
        "AI/ML",
        "25 base62, name-anchored (`COMET_API_KEY`)",
        "https://www.comet.com/docs/v2/guides/experiment-management/configure-sdk/",
        ("COMET_API_KEY",),
        (ctx("25 base62", 25),),
        header="",
        ai=True,
    ),
    P(
        "neptune",
        "Neptune API token",
        "AI/ML",
        'base64 JSON `{"api_address":…,"api_key":…}` (`eyJhcGlfYWRkcmVzcyI6…`)',
        "https://docs.neptune.ai/setup/setting_api_token/",
        ("NEPTUNE_API_TOKEN",),
        (Variant("base64 JSON", Shape("eyJhcGlfYWRkcmVzcyI6", 120, B64), _neptune),),
        ai=True,
    ),
    # --- census: other services ML pipelines use ---------------------------------------------
    P(
        "heroku",
        "Heroku API key",
        "platform",
        "`HRKU-AA` + 58 [A-Za-z0-9_-]; legacy UUID (anchored)",
        "https://devcenter.heroku.com/articles/authentication",
        ("HEROKU_API_KEY",),
        (
            tok("HRKU-AA", "HRKU-AA", 58, ALNUM_DASH),
            Variant("uuid", Shape("", 36, HEX), Gen.uuid, anchored=True),
        ),
    ),
    P(
        "twilio",
        "Twilio API key / auth token",
        "platform",
        "API key SID `SK` + 32 hex; auth token 32 hex (name-anchored)",
        "https://www.twilio.com/docs/iam/api-keys",
        ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET"),
        (tok("SK", "SK", 32, HEX), ctx("32 hex", 32, HEX)),
        header="",
    ),
    P(
        "sendgrid",
        "SendGrid API key",
        "platform",
        "`SG.` + 22 base64url + `.` + 43 base64url",
        "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
        ("SENDGRID_API_KEY",),
        (
            Variant(
                "SG.",
                Shape("SG.", 66, ALNUM_DASH),
                lambda g: f"SG.{g.mixed(22, ALNUM_DASH)}.{g.mixed(43, ALNUM_DASH)}",
            ),
        ),
    ),
    P(
        "mailgun",
        "Mailgun API key",
        "platform",
        "`key-` + 32 hex (private API key)",
        "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/",
        ("MAILGUN_API_KEY",),
        (tok("key-", "key-", 32, HEX),),
        header="",
    ),
    P(
        "datadog",
        "Datadog API / application key",
        "platform",
        "API key 32 hex, application key 40 hex; name-anchored (`DD_API_KEY`, `DD_APP_KEY`)",
        "https://docs.datadoghq.com/account_management/api-app-keys/",
        ("DD_API_KEY", "DATADOG_API_KEY", "DD_APP_KEY"),
        (ctx("32 hex", 32, HEX), ctx("40 hex", 40, HEX)),
        header="DD-API-KEY: {v}",
    ),
    P(
        "newrelic",
        "New Relic key",
        "platform",
        "user key `NRAK-` + 27 [A-Z0-9]; insert key `NRII-` + 32",
        "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
        ("NEW_RELIC_API_KEY", "NEW_RELIC_INSERT_KEY"),
        (tok("NRAK-", "NRAK-", 27, UPPER_DIGITS), tok("NRII-", "NRII-", 32, ALNUM_DASH)),
        header="Api-Key: {v}",
    ),
    P(
        "grafana",
        "Grafana service-account / cloud token",
        "platform",
        "service account `glsa_` + 32 base62 + `_` + 8 hex; cloud `glc_` + base64 JSON",
        "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
        ("GRAFANA_TOKEN", "GRAFANA_SERVICE_ACCOUNT_TOKEN"),
        (
            Variant("glsa_", Shape("glsa_", 41), lambda g: f"glsa_{g.mixed(32)}_{g.hex(8)}"),
            Variant("glc_", Shape("glc_eyJ", 100, B64), _grafana_cloud),
        ),
    ),
    P(
        "linear",
        "Linear API key",
        "platform",
        "`lin_api_` + 40 base62",
        "https://linear.app/developers/graphql#personal-api-keys",
        ("LINEAR_API_KEY",),
        (tok("lin_api_", "lin_api_", 40),),
    ),
    P(
        "notion",
        "Notion integration token",
        "platform",
        "`ntn_` + 11 digits + 35 base62; legacy `secret_` + 43 base62",
        "https://developers.notion.com/docs/authorization",
        ("NOTION_TOKEN", "NOTION_API_KEY"),
        (
            Variant("ntn_", Shape("ntn_", 46), lambda g: f"ntn_{g.digits(11)}{g.mixed(35)}"),
            tok("secret_", "secret_", 43),
        ),
    ),
    P(
        "atlassian",
        "Atlassian API token",
        "platform",
        "`ATATT3xFfGF0` + base64url + `=` + 8 hex (CRC-32)",
        "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-"
        "atlassian-account/ (format: gitleaks atlassian-api-token)",
        ("JIRA_API_TOKEN", "CONFLUENCE_API_TOKEN", "ATLASSIAN_API_TOKEN"),
        (Variant("ATATT3", Shape("ATATT3xFfGF0", 179, ALNUM_DASH), _atlassian("ATATT3xFfGF0")),),
        header="",
    ),
    P(
        "shopify",
        "Shopify access token / shared secret",
        "platform",
        "`shpat_` / `shpca_` / `shppa_` / `shpss_` + 32 hex",
        "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
        ("SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET"),
        tuple(tok(p, p, 32, HEX + "ABCDEF") for p in ("shpat_", "shpca_", "shppa_", "shpss_")),
        header="X-Shopify-Access-Token: {v}",
    ),
    P(
        "postman",
        "Postman API key",
        "platform",
        "`PMAK-` + 24 hex + `-` + 34 hex",
        "https://learning.postman.com/docs/developer/postman-api/authentication/",
        ("POSTMAN_API_KEY",),
        (Variant("PMAK-", Shape("PMAK-", 59, HEX), lambda g: f"PMAK-{g.hex(24)}-{g.hex(34)}"),),
        header="X-Api-Key: {v}",
    ),
    P(
        "pulumi",
        "Pulumi access token",
        "platform",
        "`pul-` + 40 hex",
        "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
        ("PULUMI_ACCESS_TOKEN",),
        (tok("pul-", "pul-", 40, HEX),),
    ),
    P(
        "terraform-cloud",
        "Terraform Cloud / HCP token",
        "platform",
        "14 base62 + `.atlasv1.` + 67 [A-Za-z0-9_-]",
        "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens",
        ("TFE_TOKEN", "TF_TOKEN_app_terraform_io"),
        (Variant("atlasv1", Shape("", 90), _terraform),),
    ),
    P(
        "flyio",
        "Fly.io token",
        "platform",
        "`fo1_` + 43 [A-Za-z0-9_-]; macaroon tokens `fm2_` + base64 (comma-joined), often after "
        "`FlyV1 `",
        "https://fly.io/docs/security/tokens/",
        ("FLY_API_TOKEN",),
        (
            tok("fo1_", "fo1_", 43, ALNUM_DASH),
            Variant("fm2_", Shape("fm2_", 300, B64), _flyio_macaroon),
        ),
        header="Authorization: FlyV1 {v}",
    ),
    P(
        "vercel",
        "Vercel token",
        "platform",
        "24 base62, name-anchored (`VERCEL_TOKEN`)",
        "https://vercel.com/docs/rest-api#authentication",
        ("VERCEL_TOKEN",),
        (ctx("24 base62", 24),),
    ),
    P(
        "netlify",
        "Netlify personal access token",
        "platform",
        "`nfp_` + 36 base62",
        "https://docs.netlify.com/api/get-started/#authentication (format: trufflehog netlify v2)",
        ("NETLIFY_AUTH_TOKEN",),
        (tok("nfp_", "nfp_", 36),),
    ),
    P(
        "supabase",
        "Supabase management / secret key",
        "platform",
        "management PAT `sbp_` + 40 hex; project secret key `sb_secret_` + 31 base62 (new API "
        "keys); service-role key is a JWT",
        "https://supabase.com/docs/guides/api/api-keys",
        ("SUPABASE_ACCESS_TOKEN", "SUPABASE_SECRET_KEY"),
        (tok("sbp_", "sbp_", 40, HEX), tok("sb_secret_", "sb_secret_", 31, ALNUM_DASH)),
    ),
    P(
        "planetscale",
        "PlanetScale token / password",
        "databases",
        "`pscale_tkn_` / `pscale_pw_` / `pscale_oauth_` + 43 [A-Za-z0-9_]",
        "https://planetscale.com/docs/concepts/service-tokens",
        ("PLANETSCALE_SERVICE_TOKEN", "DATABASE_PASSWORD"),
        tuple(tok(p, p, 43, ALNUM + "_") for p in ("pscale_tkn_", "pscale_pw_", "pscale_oauth_")),
    ),
    P(
        "fireworks",
        "Fireworks AI API key",
        "AI/ML",
        "`fw_` + 24 base62 (observed format; not documented by the provider)",
        "https://docs.fireworks.ai/api-reference/introduction",
        ("FIREWORKS_API_KEY",),
        (tok("fw_", "fw_", 24),),
        ai=True,
    ),
    P(
        "modal",
        "Modal token secret",
        "AI/ML",
        "token id `ak-` + 22 base62 (not secret), token secret `as-` + 22 base62",
        "https://modal.com/docs/reference/modal.config",
        ("MODAL_TOKEN_SECRET",),
        (tok("as-", "as-", 22),),
        header="",
        ai=True,
    ),
    P(
        "runpod",
        "RunPod API key",
        "AI/ML",
        "`rpa_` + 40 [A-Z0-9] (observed format; not documented by the provider)",
        "https://docs.runpod.io/get-started/api-keys",
        ("RUNPOD_API_KEY",),
        (tok("rpa_", "rpa_", 40, UPPER_DIGITS),),
        ai=True,
    ),
    P(
        "lambda",
        "Lambda Cloud API key",
        "AI/ML",
        "`secret_<name>_<32 hex>.<32 base62>` (observed format)",
        "https://docs.lambda.ai/public-cloud/cloud-api/",
        ("LAMBDA_API_KEY",),
        (
            Variant(
                "secret_",
                Shape("secret_", 70),
                lambda g: f"secret_{g.word()}_{g.hex(32)}.{g.mixed(32)}",
            ),
        ),
        ai=True,
    ),
    P(
        "elevenlabs",
        "ElevenLabs API key",
        "AI/ML",
        "`sk_` + 48 hex",
        "https://elevenlabs.io/docs/api-reference/authentication",
        ("ELEVENLABS_API_KEY",),
        (tok("sk_", "sk_", 48, HEX),),
        header="xi-api-key: {v}",
        ai=True,
    ),
    P(
        "weaviate",
        "Weaviate Cloud API key",
        "AI/ML",
        "no documented prefix: random string, name-anchored (`WEAVIATE_API_KEY`)",
        "https://weaviate.io/developers/wcs/connect",
        ("WEAVIATE_API_KEY",),
        (ctx("40 base62", 40),),
        header="",
        ai=True,
    ),
    P(
        "qdrant",
        "Qdrant Cloud API key",
        "AI/ML",
        "no documented prefix, name-anchored (`QDRANT_API_KEY`)",
        "https://qdrant.tech/documentation/cloud/authentication/",
        ("QDRANT_API_KEY",),
        (ctx("random 32-48", 42, ALNUM_DASH),),
        header="api-key: {v}",
        ai=True,
    ),
    P(
        "clearml",
        "ClearML API secret key",
        "AI/ML",
        "no prefix: access key 30 [A-Z0-9] (an id), secret 50 base62, name-anchored",
        "https://clear.ml/docs/latest/docs/configs/env_vars/",
        ("CLEARML_API_SECRET_KEY",),
        (ctx("50 base62", 50),),
        header="",
        ai=True,
    ),
)

# Sanity: every charset used above is one gen.py knows (keeps typos out of the table).
assert all(
    set(v.shape.charset) <= set(ALNUM + "-_+/~.=" + B36) for p in PROVIDERS for v in p.variants
)
