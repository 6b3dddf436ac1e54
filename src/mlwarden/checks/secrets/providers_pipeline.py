"""Provider rules' documentation data, part 2: every other credential an ML pipeline touches
(ids SEC035-SEC086): source hosting, registries, clouds, CI/CD and orchestration, chat and
alerting, secret managers, payments, tokens and manifests, HTTP auth, platforms.

Formats marked "observed" are not documented by the provider; the rule follows what its
keys look like today (the peers' rules agree) and may need updating when the provider
changes them.
"""

from __future__ import annotations

from mlwarden.checks.secrets.providers import Provider as P
from mlwarden.core.findings import Confidence, Severity

_MEDIUM = Confidence.MEDIUM

PIPELINE: tuple[P, ...] = (
    # --- source hosting and registries --------------------------------------------------------
    P(
        "SEC035",
        "gitlab-token",
        "GitLab token",
        "every GitLab token kind: personal/project/group access `glpat-`, deploy `gldt-`, "
        "runner `glrt-`, CI job `glcbt-`, feed `glft-`, incoming mail `glimt-`, SCIM `glsoat-`, "
        "feature flag `glffct-`, Kubernetes agent `glagent-`, OAuth application secret `gloas-`, "
        "pipeline trigger `glptt-` and runner registration `GR1348941` tokens, legacy and "
        "routable (`….01<crc>`) forms",
        "GITLAB_TOKEN",
        "https://gitlab.com/-/user_settings/personal_access_tokens",
        fmt_ref="https://docs.gitlab.com/security/tokens/#token-prefixes",
    ),
    P(
        "SEC036",
        "atlassian-token",
        "Atlassian or Bitbucket token",
        "Bitbucket app passwords (`ATBB` + 28 + 8-hex checksum) and Atlassian/Bitbucket API and "
        "access tokens (`ATATT3xFfGF0…`, `ATCTT3xFfGN0…`, ending `=` + 8 hex)",
        "BITBUCKET_APP_PASSWORD",
        "https://id.atlassian.com/manage-profile/security/api-tokens",
        fmt_ref="https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
    ),
    P(
        "SEC037",
        "npm-token",
        "npm access token",
        "`npm_` + 30 base62 + the 6-character base62 CRC-32 of those 30 (checked offline)",
        "NPM_TOKEN",
        "https://www.npmjs.com/settings/~/tokens",
        fmt_ref="https://github.blog/2021-09-23-announcing-npms-new-access-token-format/",
    ),
    P(
        "SEC038",
        "nuget-api-key",
        "NuGet API key",
        "`oy2` + 43 lower-case letters/digits",
        "NUGET_API_KEY",
        "https://www.nuget.org/account/apikeys",
        fmt_ref="https://learn.microsoft.com/en-us/nuget/nuget-org/scoped-api-keys",
    ),
    P(
        "SEC039",
        "rubygems-api-key",
        "RubyGems API key",
        "`rubygems_` + 48 hex digits",
        "GEM_HOST_API_KEY",
        "https://rubygems.org/profile/api_keys",
        fmt_ref="https://guides.rubygems.org/api-key-scopes/",
    ),
    # --- clouds -------------------------------------------------------------------------------
    P(
        "SEC040",
        "aws-bedrock-api-key",
        "Amazon Bedrock API key",
        "long-term `ABSK` keys (base64 of `BedrockAPIKey-…:<secret>`, decoded and checked) and "
        "short-term `bedrock-api-key-` keys (base64 of a presigned `bedrock.amazonaws.com` URL)",
        "AWS_BEARER_TOKEN_BEDROCK",
        "https://console.aws.amazon.com/bedrock/home#/api-keys",
        Severity.CRITICAL,
        fmt_ref="https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
    ),
    P(
        "SEC041",
        "azure-ad-client-secret",
        "Azure AD (Entra ID) client secret",
        "40-character client secrets: 3 characters, a digit, `Q~`, then 34 more",
        "AZURE_CLIENT_SECRET",
        "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials",
        Severity.CRITICAL,
    ),
    P(
        "SEC042",
        "azure-storage-credential",
        "Azure storage credential",
        "88-character account keys (`AccountKey=` in a connection string, or under "
        "`account_key`/`storage_key`) and the `sig=` of a SAS URL or token (`sv=…&sig=…`)",
        "AZURE_STORAGE_CONNECTION_STRING",
        "https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage",
        Severity.CRITICAL,
        fmt_ref="https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas",
    ),
    # --- CI/CD and orchestration --------------------------------------------------------------
    P(
        "SEC043",
        "prefect-api-key",
        "Prefect API key",
        "user `pnu_` and service-account `pnb_` keys (+ 36 letters/digits)",
        "PREFECT_API_KEY",
        "https://app.prefect.cloud/my/api-keys",
        fmt_ref="https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys",
    ),
    P(
        "SEC044",
        "airflow-connection-password",
        "Airflow connection password",
        "the password of an `AIRFLOW_CONN_<ID>` connection, as a URI "
        "(`scheme://login:password@host`, empty login or host allowed, percent-encoded) or as "
        'JSON (`"password": …`), and of `airflow connections add --conn-uri/--conn-password`',
        "AIRFLOW_CONN_WAREHOUSE",
        "https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html",
        advice="rotate it and keep the connection in a secrets backend or a CI secret",
        instead="# keep connections in a secrets backend (Vault, AWS SM, GCP SM) or set\n"
        "# AIRFLOW_CONN_<ID> from CI secrets, never in the repository",
    ),
    P(
        "SEC045",
        "circleci-token",
        "CircleCI API token",
        "personal `CCIPAT_` and project `CCIPRJ_` tokens (22 letters/digits, `_`, 40 hex)",
        "CIRCLECI_TOKEN",
        "https://app.circleci.com/settings/user/tokens",
        fmt_ref="https://circleci.com/docs/managing-api-tokens/",
    ),
    P(
        "SEC046",
        "buildkite-token",
        "Buildkite API access token",
        "`bkua_` + 40 lower-case letters/digits",
        "BUILDKITE_API_TOKEN",
        "https://buildkite.com/user/api-access-tokens",
        fmt_ref="https://buildkite.com/docs/apis/managing-api-tokens",
    ),
    # --- chat and alerting --------------------------------------------------------------------
    P(
        "SEC047",
        "discord-token",
        "Discord bot token or webhook",
        "bot tokens (base64 of the bot's numeric user id, decoded and checked, `.`, 6, `.`, "
        "27-38) and `discord.com/api/webhooks/<id>/<token>` URLs",
        "DISCORD_BOT_TOKEN",
        "https://discord.com/developers/applications",
        fmt_ref="https://discord.com/developers/docs/reference#authentication",
    ),
    P(
        "SEC048",
        "telegram-bot-token",
        "Telegram bot token",
        "`<8-10 digit bot id>:AA` + 33 characters",
        "TELEGRAM_BOT_TOKEN",
        "https://core.telegram.org/bots/features#botfather",
        fmt_ref="https://core.telegram.org/bots/api#authorizing-your-bot",
    ),
    P(
        "SEC049",
        "sentry-auth-token",
        "Sentry auth token",
        "organization tokens `sntrys_` + base64 JSON (decoded and checked) + `_` + signature, "
        "and user tokens `sntryu_` + 64 hex",
        "SENTRY_AUTH_TOKEN",
        "https://sentry.io/settings/account/api/auth-tokens/",
        fmt_ref="https://docs.sentry.io/account/auth-tokens/",
    ),
    # --- secret managers ----------------------------------------------------------------------
    P(
        "SEC050",
        "vault-token",
        "HashiCorp Vault token",
        "service `hvs.`, batch `hvb.` and recovery `hvr.` tokens, and legacy `s.` tokens in "
        "files that mention Vault",
        "VAULT_TOKEN",
        "https://developer.hashicorp.com/vault/docs/commands/token/revoke",
        Severity.CRITICAL,
        fmt_ref="https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
    ),
    P(
        "SEC051",
        "1password-token",
        "1Password service-account token or secret key",
        "service-account tokens `ops_` + base64 JSON (decoded and checked) and account secret "
        "keys `A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX`",
        "OP_SERVICE_ACCOUNT_TOKEN",
        "https://developer.1password.com/docs/service-accounts/",
        Severity.CRITICAL,
        fmt_ref="https://support.1password.com/secret-key/",
    ),
    P(
        "SEC052",
        "doppler-token",
        "Doppler token",
        "personal `dp.pt.`, service `dp.st.[<config>.]`, service-account `dp.sa.`, CLI "
        "`dp.ct.`, SCIM `dp.scim.` and audit `dp.audit.` tokens (+ 40-44 letters/digits)",
        "DOPPLER_TOKEN",
        "https://dashboard.doppler.com",
        Severity.CRITICAL,
        fmt_ref="https://docs.doppler.com/reference/auth-token-formats",
    ),
    # --- payments -----------------------------------------------------------------------------
    P(
        "SEC053",
        "stripe-test-or-webhook-key",
        "Stripe test key or webhook secret",
        "`sk_test_`/`rk_test_` keys (24 or 99 characters) and webhook signing secrets "
        "`whsec_` (test keys reach your test-mode data; a webhook secret lets anyone forge "
        "events your endpoint trusts)",
        "STRIPE_WEBHOOK_SECRET",
        "https://dashboard.stripe.com/test/apikeys",
        Severity.MEDIUM,
        fmt_ref="https://docs.stripe.com/keys",
    ),
    P(
        "SEC054",
        "square-token",
        "Square access token or application secret",
        "access tokens `EAAA` + 60, legacy `sq0atp-` + 22 and application secrets `sq0csp-` + 43",
        "SQUARE_ACCESS_TOKEN",
        "https://developer.squareup.com/apps",
        Severity.CRITICAL,
        fmt_ref="https://developer.squareup.com/docs/build-basics/access-tokens",
    ),
    P(
        "SEC055",
        "braintree-access-token",
        "Braintree access token",
        "`access_token$production$<16>$<32 hex>` (and `$sandbox$`) tokens",
        "BRAINTREE_ACCESS_TOKEN",
        "https://www.braintreegateway.com/login",
        Severity.CRITICAL,
        fmt_ref="https://developer.paypal.com/braintree/docs/guides/authorization/overview",
    ),
    P(
        "SEC056",
        "paypal-client-secret",
        "PayPal REST client secret",
        "80-character client secrets stored under `PAYPAL_CLIENT_SECRET`-like names (no "
        "prefix: the name anchors them)",
        "PAYPAL_CLIENT_SECRET",
        "https://developer.paypal.com/dashboard/applications",
        Severity.CRITICAL,
        _MEDIUM,
        fmt_ref="https://developer.paypal.com/api/rest/authentication/",
    ),
    # --- tokens, manifests, HTTP auth ---------------------------------------------------------
    P(
        "SEC057",
        "json-web-token",
        "JSON Web Token",
        "signed JWTs (`eyJ….eyJ….<signature>`): header and claims are decoded and must be JSON "
        "with an `alg`; unsigned (`alg: none`) tokens, Supabase public `anon` keys, samples "
        "signed with a documentation key (`secret`, jwt.io's `your-256-bit-secret`, checked "
        "offline) and tokens whose claims are placeholders (`sub: 1234567890`) are not "
        "reported",
        "ACCESS_TOKEN",
        "https://datatracker.ietf.org/doc/html/rfc7519",
        confidence=_MEDIUM,
        advice="revoke the session or key it belongs to and fetch tokens at run time",
        instead="# a JWT is a bearer credential until it expires: fetch it at run time\n"
        "token = get_token_from_identity_provider()",
    ),
    P(
        "SEC058",
        "kubernetes-secret",
        "Kubernetes Secret value",
        "the values under `data:` (base64, decoded and judged) and `stringData:` of a manifest "
        "whose `kind` is `Secret`, in YAML (also several documents, Helm charts) and JSON; "
        "ConfigMaps, ExternalSecret references and template values are not reported",
        "",
        "https://kubernetes.io/docs/concepts/configuration/secret/",
        example="kind: Secret\ndata:\n  password: <base64 of the password>",
        advice="rotate it; create the Secret outside the repository (kubectl create secret, "
        "a SealedSecret or an ExternalSecret reference)",
        instead="# keep the manifest without values and create the Secret from outside the repo:\n"
        'kubectl create secret generic db --from-literal=password="$DB_PASSWORD"\n'
        "# or commit an encrypted SealedSecret / an ExternalSecret reference",
    ),
    P(
        "SEC059",
        "http-auth-command-line",
        "HTTP command-line credential",
        "`curl -u user:password`, `--user`, `wget --password=`, `http -a user:password`, and "
        "`-H`/`--header` values of `Authorization: Bearer|Token|Basic|Bot …` or of headers named "
        "like a credential (`X-API-Key:`, `PRIVATE-TOKEN:`, `X-Vault-Token:`)",
        "",
        "https://curl.se/docs/manpage.html#-u",
        example="curl -u deploy:<password> https://registry.example.com/api",
        advice='rotate it and pass it from a variable (`-u "user:$PASSWORD"`) or a netrc '
        "file outside the repository",
        instead='curl -u "deploy:$REGISTRY_PASSWORD" https://registry.example.com/api\n'
        "# or: curl --netrc-file ~/.netrc …  (a .netrc outside the repository)",
    ),
    P(
        "SEC060",
        "netrc-password",
        ".netrc password",
        "the `password` of a `.netrc` entry (`machine <host> login <user> password <secret>`, on "
        "one line or several)",
        "",
        "https://everything.curl.dev/usingcurl/netrc.html",
        example="machine artifacts.corp.internal\n  login ci-bot\n  password <the password>",
        advice="rotate it; keep .netrc in $HOME (mode 600) or write it in CI from a secret",
        instead="# keep .netrc in $HOME (mode 600) or write it in CI from a secret; add\n"
        "# .netrc to .gitignore",
    ),
    # --- platforms ----------------------------------------------------------------------------
    P(
        "SEC061",
        "heroku-api-key",
        "Heroku API key",
        "`HRKU-AA` + 58 characters, and legacy UUID keys stored under `HEROKU_API_KEY`",
        "HEROKU_API_KEY",
        "https://dashboard.heroku.com/account/applications",
        fmt_ref="https://devcenter.heroku.com/articles/authentication",
    ),
    P(
        "SEC062",
        "twilio-credential",
        "Twilio API key or auth token",
        "API key SIDs `SK` + 32 hex, and 32-character auth tokens / API secrets stored under "
        "`TWILIO_AUTH_TOKEN`-like names",
        "TWILIO_AUTH_TOKEN",
        "https://console.twilio.com/us1/account/keys-credentials/api-keys",
        fmt_ref="https://www.twilio.com/docs/iam/api-keys",
    ),
    P(
        "SEC063",
        "sendgrid-api-key",
        "SendGrid API key",
        "`SG.` + 22 + `.` + 43 characters",
        "SENDGRID_API_KEY",
        "https://app.sendgrid.com/settings/api_keys",
        fmt_ref="https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
    ),
    P(
        "SEC064",
        "mailgun-api-key",
        "Mailgun API key",
        "`key-` + 32 hex digits",
        "MAILGUN_API_KEY",
        "https://app.mailgun.com/settings/api_security",
        fmt_ref="https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/",
    ),
    P(
        "SEC065",
        "datadog-api-key",
        "Datadog API or application key",
        "32-hex API keys and 40-hex application keys stored under `DD_API_KEY`/`DD_APP_KEY`-like "
        "names (no prefix: the name anchors them)",
        "DD_API_KEY",
        "https://app.datadoghq.com/organization-settings/api-keys",
        confidence=_MEDIUM,
        fmt_ref="https://docs.datadoghq.com/account_management/api-app-keys/",
    ),
    P(
        "SEC066",
        "newrelic-key",
        "New Relic key",
        "user keys `NRAK-` + 27 and insert keys `NRII-` + 32",
        "NEW_RELIC_API_KEY",
        "https://one.newrelic.com/api-keys",
        fmt_ref="https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
    ),
    P(
        "SEC067",
        "grafana-token",
        "Grafana token",
        "service-account tokens `glsa_` + 32 + `_` + 8 hex, and Grafana Cloud tokens `glc_` + "
        "base64 JSON (decoded and checked)",
        "GRAFANA_SERVICE_ACCOUNT_TOKEN",
        "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
    ),
    P(
        "SEC068",
        "linear-api-key",
        "Linear API key",
        "`lin_api_` + 40 letters/digits",
        "LINEAR_API_KEY",
        "https://linear.app/settings/api",
        fmt_ref="https://linear.app/developers/graphql#personal-api-keys",
    ),
    P(
        "SEC069",
        "notion-token",
        "Notion integration token",
        "`ntn_` + 11 digits + 35 characters, and legacy `secret_` + 43",
        "NOTION_TOKEN",
        "https://www.notion.so/my-integrations",
        fmt_ref="https://developers.notion.com/docs/authorization",
    ),
    P(
        "SEC070",
        "shopify-token",
        "Shopify access token or shared secret",
        "`shpat_`, `shpca_`, `shppa_` and `shpss_` + 32 hex digits",
        "SHOPIFY_ACCESS_TOKEN",
        "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
    ),
    P(
        "SEC071",
        "postman-api-key",
        "Postman API key",
        "`PMAK-` + 24 hex + `-` + 34 hex",
        "POSTMAN_API_KEY",
        "https://postman.co/settings/me/api-keys",
        fmt_ref="https://learning.postman.com/docs/developer/postman-api/authentication/",
    ),
    P(
        "SEC072",
        "pulumi-token",
        "Pulumi access token",
        "`pul-` + 40 hex digits",
        "PULUMI_ACCESS_TOKEN",
        "https://app.pulumi.com/account/tokens",
        fmt_ref="https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
    ),
    P(
        "SEC073",
        "terraform-cloud-token",
        "Terraform Cloud / HCP Terraform token",
        "14 characters + `.atlasv1.` + 60-70 characters",
        "TFE_TOKEN",
        "https://app.terraform.io/app/settings/tokens",
        fmt_ref="https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/"
        "api-tokens",
    ),
    P(
        "SEC074",
        "flyio-token",
        "Fly.io token",
        "`fo1_` + 43 characters and macaroon tokens `fm1_`/`fm2_` + base64",
        "FLY_API_TOKEN",
        "https://fly.io/user/personal_access_tokens",
        fmt_ref="https://fly.io/docs/security/tokens/",
    ),
    P(
        "SEC075",
        "vercel-token",
        "Vercel token",
        "24-character tokens stored under `VERCEL_TOKEN`-like names (no prefix: the name "
        "anchors them)",
        "VERCEL_TOKEN",
        "https://vercel.com/account/settings/tokens",
        confidence=_MEDIUM,
        fmt_ref="https://vercel.com/docs/rest-api#authentication",
    ),
    P(
        "SEC076",
        "netlify-token",
        "Netlify personal access token",
        "`nfp_` + 36 letters/digits",
        "NETLIFY_AUTH_TOKEN",
        "https://app.netlify.com/user/applications",
        fmt_ref="https://docs.netlify.com/api/get-started/#authentication",
    ),
    P(
        "SEC077",
        "supabase-key",
        "Supabase access token or secret key",
        "management tokens `sbp_` + 40 hex and project secret keys `sb_secret_` + 31 (the "
        "legacy service-role key is a JWT: SEC057)",
        "SUPABASE_SECRET_KEY",
        "https://supabase.com/dashboard/account/tokens",
        fmt_ref="https://supabase.com/docs/guides/api/api-keys",
    ),
    P(
        "SEC078",
        "planetscale-credential",
        "PlanetScale token or password",
        "`pscale_tkn_`, `pscale_pw_` and `pscale_oauth_` + 43 characters",
        "PLANETSCALE_SERVICE_TOKEN",
        "https://app.planetscale.com",
        fmt_ref="https://planetscale.com/docs/concepts/service-tokens",
    ),
    # --- AI/ML providers first covered here ---------------------------------------------------
    P(
        "SEC079",
        "fireworks-api-key",
        "Fireworks AI API key",
        "`fw_` + 24 letters/digits (observed format)",
        "FIREWORKS_API_KEY",
        "https://fireworks.ai/account/api-keys",
        confidence=_MEDIUM,
        fmt_ref="https://docs.fireworks.ai/api-reference/introduction",
    ),
    P(
        "SEC080",
        "modal-token-secret",
        "Modal token secret",
        "token secrets `as-` + 22 letters/digits (the `ak-` token id is not a secret)",
        "MODAL_TOKEN_SECRET",
        "https://modal.com/settings/tokens",
        confidence=_MEDIUM,
        fmt_ref="https://modal.com/docs/reference/modal.config",
    ),
    P(
        "SEC081",
        "runpod-api-key",
        "RunPod API key",
        "`rpa_` + 40 upper-case letters/digits (observed format)",
        "RUNPOD_API_KEY",
        "https://www.runpod.io/console/user/settings",
        confidence=_MEDIUM,
        fmt_ref="https://docs.runpod.io/get-started/api-keys",
    ),
    P(
        "SEC082",
        "lambda-cloud-api-key",
        "Lambda Cloud API key",
        "`secret_<name>_<32 hex>.<32 letters/digits>` (observed format)",
        "LAMBDA_API_KEY",
        "https://cloud.lambda.ai/api-keys",
        confidence=_MEDIUM,
        fmt_ref="https://docs.lambda.ai/public-cloud/cloud-api/",
    ),
    P(
        "SEC083",
        "elevenlabs-api-key",
        "ElevenLabs API key",
        "`sk_` + 48 hex digits (observed format)",
        "ELEVENLABS_API_KEY",
        "https://elevenlabs.io/app/settings/api-keys",
        confidence=_MEDIUM,
        fmt_ref="https://elevenlabs.io/docs/api-reference/authentication",
    ),
    P(
        "SEC084",
        "weaviate-api-key",
        "Weaviate Cloud API key",
        "32-64 character keys stored under `WEAVIATE_API_KEY`-like names (no documented "
        "prefix: the name anchors them)",
        "WEAVIATE_API_KEY",
        "https://console.weaviate.cloud",
        confidence=_MEDIUM,
        fmt_ref="https://weaviate.io/developers/wcs/connect",
    ),
    P(
        "SEC085",
        "qdrant-api-key",
        "Qdrant Cloud API key",
        "32-64 character keys stored under `QDRANT_API_KEY`-like names (no documented prefix: "
        "the name anchors them)",
        "QDRANT_API_KEY",
        "https://cloud.qdrant.io",
        confidence=_MEDIUM,
        fmt_ref="https://qdrant.tech/documentation/cloud/authentication/",
    ),
    P(
        "SEC086",
        "clearml-secret-key",
        "ClearML API secret key",
        "40-64 character secrets stored under `CLEARML_API_SECRET_KEY`-like names (the access "
        "key is an id, not a secret)",
        "CLEARML_API_SECRET_KEY",
        "https://app.clear.ml/settings",
        confidence=_MEDIUM,
        fmt_ref="https://clear.ml/docs/latest/docs/configs/env_vars/",
    ),
)
