"""The assignment-syntax corpus: one generic, name-anchored secret in every way code writes it.

The value has no provider prefix, so only the generic (name-anchored) rule can find it.
Each class is one syntax; `{v}` is the planted value and the line holding it is the planted
line. Near misses use the same syntax with a value that is not a secret: a reference to a
variable, a template, a placeholder shape, an empty or default argument, an ML vocabulary name.
"""

from __future__ import annotations

from gen import ALNUM, Gen

# (class, extension, template). `{v}` is the value; a template may span several lines.
POSITIVE_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("go-typed-var", "go", 'package cfg\n\nvar apiToken string = "{v}"\n'),
    ("go-typed-var", "go", 'package cfg\n\nvar dbPassword string = "{v}"\n'),
    ("go-typed-var", "go", 'package cfg\n\nvar (\n\tserviceSecret string = "{v}"\n)\n'),
    (
        "java-setproperty",
        "java",
        'class Boot {{\n  static {{\n    System.setProperty("API_TOKEN", "{v}");\n  }}\n}}\n',
    ),
    ("java-setproperty", "java", 'System.setProperty("db.password", "{v}");\n'),
    ("java-setproperty", "kt", 'System.setProperty("CLIENT_SECRET", "{v}")\n'),
    ("php-concat", "php", '<?php\n$apiToken .= "{v}";\n'),
    ("php-concat", "php", "<?php\n$config['db_password'] .= '{v}';\n"),
    ("make-conditional", "mk", "API_TOKEN ?= {v}\n\ntrain:\n\tpython train.py\n"),
    ("make-conditional", "mk", 'REGISTRY_PASSWORD ?= "{v}"\n'),
    ("make-shell", "mk", 'API_TOKEN ::= "{v}"\n'),
    ("make-shell", "mk", "DEPLOY_SECRET :::= {v}\n"),
    ("make-simple", "mk", "HF_HUB_TOKEN := {v}\n"),
    ("json-escaped-env", "json", '{{"config.env": "API_TOKEN={v}\\nDEBUG=false"}}\n'),
    ("json-escaped-env", "json", '{{\n  "files": {{".env": "LOG=1\\nDB_PASSWORD={v}\\n"}}\n}}\n'),
    ("xml-multiline", "xml", "<settings>\n  <apiToken>\n    {v}\n  </apiToken>\n</settings>\n"),
    ("xml-multiline", "xml", "<server>\n  <password>\n      {v}\n  </password>\n</server>\n"),
    ("digit-suffix", "py", 'token1 = "{v}"\n'),
    ("digit-suffix", "py", 'access_token3 = "{v}"\n'),
    ("digit-suffix", "yaml", "backup:\n  api_key2: {v}\n"),
    ("digit-suffix", "env", "DB_PASSWORD2={v}\n"),
    ("digit-suffix", "js", "const secret2 = '{v}';\n"),
    ("getenv-default", "py", 'import os\n\nTOKEN = os.getenv("API_TOKEN", "{v}")\n'),
    ("getenv-default", "py", 'import os\n\npw = os.environ.get("DB_PASSWORD", "{v}")\n'),
    ("getenv-default", "js", "const token = process.env.API_TOKEN ?? '{v}';\n"),
    ("getenv-default", "js", 'const key = process.env.SERVICE_API_KEY || "{v}";\n'),
    ("getenv-default", "rb", 'TOKEN = ENV.fetch("API_TOKEN", "{v}")\n'),
    ("getenv-default", "go", 'package cfg\n\nvar t = getEnv("AUTH_TOKEN", "{v}")\n'),
    # Controls: syntaxes the baseline's generic rule already reads.
    ("control", "py", 'API_TOKEN = "{v}"\n'),
    ("control", "yaml", "service:\n  api_token: {v}\n"),
    ("control", "env", "CLIENT_SECRET={v}\n"),
    ("control", "kt", 'val apiToken: String = "{v}"\n'),
    ("control", "cs", 'string apiToken = "{v}";\n'),
    ("control", "rb", "api_token = '{v}'\n"),
    ("control", "conf", '  "apiToken" => "{v}"\n'),
    ("control", "php", '<?php\n$apiToken = "{v}";\n'),
)

# (class, extension, text): complete near-miss lines, nothing random needed.
NEGATIVE_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("go-typed-var", "go", 'package cfg\n\nvar apiToken string = os.Getenv("API_TOKEN")\n'),
    ("go-typed-var", "go", 'package cfg\n\nvar dbPassword string = "<db-password>"\n'),
    ("go-typed-var", "go", 'package cfg\n\nvar apiToken string = "${{API_TOKEN}}"\n'),
    ("java-setproperty", "java", 'System.setProperty("API_TOKEN", System.getenv("API_TOKEN"));\n'),
    ("java-setproperty", "java", 'System.setProperty("db.password", "changeme");\n'),
    ("php-concat", "php", '<?php\n$apiToken .= getenv("API_TOKEN");\n'),
    ("make-conditional", "mk", "API_TOKEN ?= $(shell cat .token)\n"),
    ("make-conditional", "mk", "API_TOKEN ?= ${{CI_API_TOKEN}}\n"),
    ("make-shell", "mk", 'API_TOKEN ::= "$(API_TOKEN_FROM_VAULT)"\n'),
    ("json-escaped-env", "json", '{{"config.env": "API_TOKEN=${{API_TOKEN}}\\nDEBUG=false"}}\n'),
    (
        "xml-multiline",
        "xml",
        "<settings>\n  <apiToken>\n    ${{env.API_TOKEN}}\n  </apiToken>\n</settings>\n",
    ),
    ("digit-suffix", "py", 'pad_token1 = "<|endoftext|>"\n'),
    ("digit-suffix", "py", "max_tokens2 = 4096\n"),
    ("digit-suffix", "py", 'eos_token3 = "</s>"\n'),
    ("digit-suffix", "py", "token1 = tokenizer.convert_ids_to_tokens(ids)\n"),
    ("getenv-default", "py", 'import os\n\nTOKEN = os.getenv("API_TOKEN", "")\n'),
    ("getenv-default", "py", 'import os\n\nTOKEN = os.getenv("API_TOKEN", None)\n'),
    ("getenv-default", "py", 'import os\n\nREGION = os.getenv("API_TOKEN_REGION", "eu-west-1")\n'),
    ("getenv-default", "js", "const token = process.env.API_TOKEN ?? '';\n"),
    ("identifier", "py", "trace_token = vendor.traceName\n"),
    ("identifier", "ts", "const apiToken = config.apiTokenProvider.currentValue;\n"),
    ("identifier", "java", "String apiKey = settings.getApiKey();\n"),
    # pragma: allowlist nextline secret
    ("placeholder-alphabet", "py", 'API_TOKEN = "abcdefghijklmnopqrstuvwxyz123456"\n'),
    # pragma: allowlist nextline secret
    ("placeholder-alphabet", "env", "CLIENT_SECRET=ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n"),
    ("placeholder-digits", "py", 'db_password = "12345678901234567890"\n'),
    ("placeholder-digits", "yaml", "auth:\n  api_key: 0123456789012345678901234567\n"),
    ("placeholder-repeated", "py", 'API_TOKEN = "aB3daB3daB3daB3daB3daB3d"\n'),
    ("placeholder-xxxx", "env", "API_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
    ("placeholder-example", "py", 'API_TOKEN = "EXAMPLE-TOKEN-PLEASE-REPLACE"\n'),
    ("placeholder-template", "yaml", "api_token: <your-api-token>\n"),
    ("placeholder-template", "yaml", "api_token: '{{{{ api_token }}}}'\n"),
)


def positive_value(g: Gen, template: str) -> str:
    lowered = template.lower()
    if "password" in lowered or "passwd" in lowered:
        return g.password(g.int(14, 22))
    return g.mixed(g.pick([24, 32, 40]), ALNUM + g.pick(["", "-_"]))


def value_line(text: str) -> int:
    """The line of a template that holds `{v}` (1-based)."""
    return text[: text.index("{v}")].count("\n") + 1
