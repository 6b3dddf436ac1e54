"""Offline structure checks (checksums, macaroons, JWTs, Discord ids) and Kubernetes
Secret manifests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from mlwarden.checks.secrets import verify
from mlwarden.checks.secrets.engine import scan_text
from tests.checks.secrets.test_fakes import Fakes, crc_token

F = Fakes(97)


def rules(text: str) -> list[tuple[str, int]]:
    return [(hit.rule_id, hit.line) for hit in scan_text(text)]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_crc32_base62_checksums() -> None:
    body = F.chars(30)
    good = crc_token("ghp", body)
    assert verify.crc32_base62(good)
    assert verify.crc32_base62(crc_token("npm", body).replace("npm_", "npm_", 1))
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert not verify.crc32_base62(wrong)
    assert not verify.crc32_base62("ghp_" + body)  # too short


def test_pypi_macaroon_structure() -> None:
    token = F.token("pypi")
    assert verify.pypi_macaroon(token)
    assert not verify.pypi_macaroon(token[:-12])  # truncated: no full signature
    assert not verify.pypi_macaroon("pypi-AgEIcHlwaS5vcmc" + F.hex(64))  # not a macaroon


def test_jwt_structure_and_what_authenticates_nobody() -> None:
    assert verify.jwt(F.jwt())
    assert not verify.jwt(F.jwt(alg="none"))
    assert not verify.jwt(F.jwt({"role": "anon", "iss": "supabase"}))
    header = base64.urlsafe_b64encode(b'{"typ":"JWT"}').decode().rstrip("=")
    assert not verify.jwt(header + "." + F.jwt().split(".", 1)[1])  # no `alg`
    # The jwt.io sample's claims are placeholders (`"sub": "1234567890"`).
    # A README's sample, signed with the key `secret`: verifiable offline, a sample.
    header, claims, _ = F.jwt({"some": "payload"}).split(".")
    signature = hmac.new(b"secret", f"{header}.{claims}".encode(), hashlib.sha256).digest()
    readme = f"{header}.{claims}." + base64.urlsafe_b64encode(signature).decode().rstrip("=")
    assert not verify.jwt(readme)
    sample = F.jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022})
    assert rules(f'token = "{sample}"\n') == []
    assert rules(f'token = "{F.jwt()}"\n') == [("SEC057", 1)]


def test_discord_bot_token_carries_the_bot_id() -> None:
    token = F.token("discord")
    assert verify.discord_bot(token)
    assert not verify.discord_bot(b64("not-a-snowflake-id!") + token[token.index(".") :])


def test_bedrock_keys_decode_to_their_documented_content() -> None:
    assert verify.bedrock_long_term(F.token("bedrock"))
    assert not verify.bedrock_long_term("ABSK" + b64("something else entirely"))


def test_kubernetes_secret_manifests() -> None:
    password = F.token("password")
    encoded = b64(password)
    yaml_docs = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n"
        f"  password: {encoded}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n"
        f"  username: {b64('trainer')}\n  password: {encoded}\n"
        f"stringData:\n  api-token: {F.chars(40)}\n"
    )
    found = rules(yaml_docs)
    # The ConfigMap's `password:` is the generic rule's; the Secret's values are SEC058.
    assert found == [("SEC032", 6), ("SEC058", 15), ("SEC058", 17)]
    manifest = {"kind": "Secret", "data": {"username": b64("trainer"), "token": b64(F.chars(40))}}
    assert rules(json.dumps(manifest, indent=1)) == [("SEC058", 5)]


def test_kubernetes_templates_and_references_are_not_secrets() -> None:
    helm = "kind: Secret\ndata:\n  password: {{ .Values.dbPassword | b64enc }}\n"
    external = (
        "kind: ExternalSecret\nspec:\n  data:\n    - secretKey: password\n"
        "      remoteRef:\n        key: prod/db\n"
    )
    empty = "kind: Secret\ndata:\n  password: ''\n"
    assert rules(helm) == rules(external) == rules(empty) == []


# Prefixed kinds of `Fakes.token` and the rule each must be reported under.
PREFIXED = {
    "hf": "SEC001", "openai_proj": "SEC002", "anthropic": "SEC003", "replicate": "SEC004",
    "wandb_v1": "SEC005", "databricks": "SEC006", "kaggle_new": "SEC007", "groq": "SEC008",
    "perplexity": "SEC009", "together": "SEC010", "pinecone": "SEC011", "langsmith": "SEC012",
    "langfuse": "SEC013", "google": "SEC014", "xai": "SEC015", "openrouter": "SEC016",
    "nvidia": "SEC017", "aws": "SEC018", "github": "SEC019", "pypi": "SEC020",
    "docker": "SEC021", "neptune": "SEC029", "slack": "SEC033", "stripe": "SEC034",
    "gitlab": "SEC035", "bitbucket": "SEC036", "atlassian": "SEC036", "npm": "SEC037",
    "nuget": "SEC038", "rubygems": "SEC039", "bedrock": "SEC040", "azure_ad": "SEC041",
    "prefect": "SEC043", "circleci": "SEC045", "buildkite": "SEC046", "discord": "SEC047",
    "discord_webhook": "SEC047", "telegram": "SEC048", "sentry": "SEC049", "vault": "SEC050",
    "onepassword": "SEC051", "doppler": "SEC052", "stripe_test": "SEC053", "square": "SEC054",
    "braintree": "SEC055", "jwt": "SEC057", "heroku": "SEC061", "twilio": "SEC062",
    "sendgrid": "SEC063", "mailgun": "SEC064", "newrelic": "SEC066", "grafana": "SEC067",
    "linear": "SEC068", "notion": "SEC069", "shopify": "SEC070", "postman": "SEC071",
    "pulumi": "SEC072", "terraform": "SEC073", "flyio": "SEC074", "netlify": "SEC076",
    "supabase": "SEC077", "planetscale": "SEC078", "fireworks": "SEC079", "modal": "SEC080",
    "runpod": "SEC081", "lambda": "SEC082", "elevenlabs": "SEC083",
}  # fmt: skip


def test_random_tokens_of_every_prefixed_format_are_found_under_a_neutral_name() -> None:
    # Random bodies must never read as placeholders, words or identifiers: 40 seeds of each.
    for seed in range(40):
        fakes = Fakes(1000 + seed)
        for kind, rule in PREFIXED.items():
            token = fakes.token(kind)
            assert rules(f'VALUE = "{token}"\n') == [(rule, 1)], (kind, token)


def test_kubernetes_block_scalar_judged_by_what_it_encodes() -> None:
    auth = b64("ci:" + F.token("password"))
    config = b64(json.dumps({"auths": {"https://registry.corp.internal/v1/": {"auth": auth}}}))
    docker = f"kind: Secret\ndata:\n  .dockercfg: |\n    {config[:40]}\n    {config[40:]}\n"
    assert rules(docker) == [("SEC058", 4)]
    public = b64(json.dumps({"auths": {"https://registry.corp.internal/v1/": {}}}))
    assert rules(f"kind: Secret\ndata:\n  .dockercfg: >\n    {public}\n") == []


def test_command_line_basic_auth_forms() -> None:
    password = F.token("password")
    token = F.chars(24)
    assert rules(f"curl -k -X POST https://h/api \\\n  -u ci:{password}\n") == [("SEC059", 2)]
    assert rules(f"curl --user 'ci:{password}' https://h\n") == [("SEC059", 1)]
    assert rules(f"curl --user ci:'{password}' https://h\n") == [("SEC059", 1)]
    assert rules(f"curl --user ci@corp.io:{password} https://h\n") == [("SEC059", 1)]
    assert rules(f'curl -u "{token}:" https://h\n') == [("SEC059", 1)]  # the user is the key
    assert rules(f"wget --user=ci --password='{password}' https://h\n") == [("SEC059", 1)]
    assert rules(f"http -a ci:{password} GET https://h\n") == [("SEC059", 1)]
    assert rules(f'curl -H "Authorization: Api-Token {token}" https://h\n') == [("SEC059", 1)]
    for quiet in (
        'curl -u "$REGISTRY_USER:$REGISTRY_PASSWORD" https://h',
        "curl -u user:password https://h",
        "curl -u <user>:<password> https://h",
        'curl -u "sk_live_abc:" https://h',  # a provider prefix its own rule refused
        'curl -H "Authorization: Bearer $(cat /run/secrets/token)" https://h',
    ):
        assert rules(quiet + "\n") == [], quiet
