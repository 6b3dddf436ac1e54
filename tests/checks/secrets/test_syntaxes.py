"""SEC032 reads assignments in every syntax: each one a true positive and a near miss.

`{v}` is the planted value (random, made at test time); the finding must be on the line
that holds it.
"""

from __future__ import annotations

import pytest

from mlwarden.checks.secrets.engine import scan_text
from tests.checks.secrets.test_fakes import ALNUM, Fakes

F = Fakes(71)
TOKEN = F.chars(32, ALNUM + "-_")
PASSWORD = F.token("password")

# (syntax, text with {v} on its line (a format string), near miss in the same syntax)
SYNTAXES: list[tuple[str, str, str]] = [
    ("python", 'API_TOKEN = "{v}"\n', 'API_TOKEN = os.environ["API_TOKEN"]\n'),
    ("python annotated", 'api_token: str = "{v}"\n', 'api_token: str = Field(default="")\n'),
    ("javascript", "const apiToken = '{v}';\n", "const apiToken = process.env.API_TOKEN;\n"),
    ("typescript", 'export const API_TOKEN: string = "{v}";\n', "export const API_TOKEN = t;\n"),
    ("go short", 'apiToken := "{v}"\n', 'apiToken := os.Getenv("API_TOKEN")\n'),
    ("go typed var", 'var apiToken string = "{v}"\n', 'var apiToken string = "<api-token>"\n'),
    (
        "go var block",
        'var (\n\tserviceSecret string = "{v}"\n)\n',
        'var (\n\tserviceSecret string = os.Getenv("S")\n)\n',
    ),
    ("java field", 'private static final String API_TOKEN = "{v}";\n', "String t = API_TOKEN;\n"),
    (
        "java setProperty",
        'System.setProperty("API_TOKEN", "{v}");\n',
        'System.setProperty("API_TOKEN", System.getenv("API_TOKEN"));\n',
    ),
    ("kotlin", 'val apiToken = "{v}"\n', 'val apiToken = System.getenv("API_TOKEN")\n'),
    ("c#", 'string apiToken = "{v}";\n', 'string apiToken = config["ApiToken"];\n'),
    ("php", '<?php\n$apiToken = "{v}";\n', '<?php\n$apiToken = getenv("API_TOKEN");\n'),
    ("php concat", '<?php\n$apiToken .= "{v}";\n', '<?php\n$apiToken .= getenv("API_TOKEN");\n'),
    ("ruby", "api_token = '{v}'\n", "api_token = ENV['API_TOKEN']\n"),
    ("ruby hash", '  "apiToken" => "{v}"\n', '  "apiToken" => ENV["API_TOKEN"]\n'),
    ("ruby fetch", 'TOKEN = ENV.fetch("API_TOKEN", "{v}")\n', 'TOKEN = ENV.fetch("API_TOKEN")\n'),
    ("shell", "export API_TOKEN='{v}'\n", 'export API_TOKEN="$(cat /run/secrets/t)"\n'),
    ("cli flag", "python serve.py --auth-token {v}\n", 'python serve.py --auth-token "$T"\n'),
    ("make", "API_TOKEN = {v}\n", "API_TOKEN = $(shell cat .token)\n"),
    ("make ?=", "API_TOKEN ?= {v}\n", "API_TOKEN ?= ${CI_API_TOKEN}\n"),
    ("make ::=", 'API_TOKEN ::= "{v}"\n', 'API_TOKEN ::= "$(FROM_VAULT)"\n'),
    ("make :::=", "DEPLOY_SECRET :::= {v}\n", "DEPLOY_SECRET :::= $(VAULT_SECRET)\n"),
    ("yaml", "service:\n  api_token: {v}\n", "service:\n  api_token: ${API_TOKEN}\n"),
    ("toml", '[svc]\napi_token = "{v}"\n', '[svc]\napi_token = "${API_TOKEN}"\n'),
    ("ini", "[svc]\napi_token = {v}\n", "[svc]\napi_token = %(token)s\n"),
    ("dotenv", "# local\nCLIENT_SECRET={v}\n", "# local\nCLIENT_SECRET=\n"),
    ("json", '{{\n  "apiToken": "{v}"\n}}\n', '{\n  "apiToken": "{{ token }}"\n}\n'),
    (
        "json escaped env",
        '{{"config.env": "LOG=1\\nAPI_TOKEN={v}\\nDEBUG=false"}}\n',
        '{"config.env": "LOG=1\\nAPI_TOKEN=${API_TOKEN}\\nDEBUG=false"}\n',
    ),
    ("xml element", "<settings>\n  <apiToken>{v}</apiToken>\n", "<apiToken>${TOKEN}</apiToken>\n"),
    (
        "xml multi-line",
        "<server>\n  <password>\n      {v}\n  </password>\n</server>\n",
        "<server>\n  <password>\n      ${env.PASSWORD}\n  </password>\n</server>\n",
    ),
    (
        "xml attribute",
        '<appSettings>\n  <add key="API_TOKEN" value="{v}" />\n',
        '<appSettings>\n  <add key="API_TOKEN" value="" />\n',
    ),
    ("digit suffix", 'access_token3 = "{v}"\n', 'eos_token3 = "</s>"\n'),
    ("digit suffix env", "DB_PASSWORD2={v}\n", "DB_PASSWORD2=${DB_PASSWORD}\n"),
    (
        "getenv default",
        'TOKEN = os.getenv("API_TOKEN", "{v}")\n',
        'TOKEN = os.getenv("API_TOKEN", "")\n',
    ),
    (
        "environ get default",
        'pw = os.environ.get("DB_PASSWORD", "{v}")\n',
        'region = os.environ.get("API_TOKEN_REGION", "eu-west-1")\n',
    ),
    (
        "js nullish default",
        "const token = process.env.API_TOKEN ?? '{v}';\n",
        "const token = process.env.API_TOKEN ?? '';\n",
    ),
    (
        "js or default",
        'const key = process.env.SERVICE_API_KEY || "{v}";\n',
        "const key = process.env.SERVICE_API_KEY || undefined;\n",
    ),
    (
        "curl header",
        'curl -s -H "Authorization: Bearer {v}" https://api.corp.internal\n',
        'curl -s -H "Authorization: Bearer $TOKEN" https://api.corp.internal\n',
    ),
]


def _line_of(text: str, value: str) -> int:
    return text[: text.index(value)].count("\n") + 1


@pytest.mark.parametrize(
    ("syntax", "template", "near_miss"), SYNTAXES, ids=[s[0] for s in SYNTAXES]
)
def test_each_syntax_true_positive_and_near_miss(
    syntax: str, template: str, near_miss: str
) -> None:
    value = PASSWORD if "password" in template.lower() else TOKEN
    text = template.format(v=value)
    hits = [(h.rule_id, h.line) for h in scan_text(text)]
    expected = "SEC059" if syntax == "curl header" else "SEC032"
    assert hits == [(expected, _line_of(text, value))]
    assert scan_text(near_miss) == []
