"""The secrets hook's rules: one per provider or detector family, declared once.

Provider rules share one documentation template (their data is in `providers.py` and
`providers_pipeline.py`, the prose is written once here); the URL and name-anchored
families get their own text. Example values in the docs are elided on purpose: the docs
must never trip the detectors they describe.
"""

from __future__ import annotations

from mlwarden.checks.secrets.placeholders import PLACEHOLDER_DOC
from mlwarden.checks.secrets.providers import AI_AND_CORE, Provider
from mlwarden.checks.secrets.providers_pipeline import PIPELINE
from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "secrets"
_CWE = (798,)  # Use of Hard-coded Credentials
_GITHUB_LEAKS = "https://docs.github.com/en/code-security/secret-scanning/about-secret-scanning"


PROVIDERS: tuple[Provider, ...] = (*AI_AND_CORE, *PIPELINE)
_SHARED_DOCS = (
    " Placeholders are not reported (see SEC032 for how they are recognised), nor lines "
    "marked `# pragma: allowlist secret`."
)


def _provider_rule(p: Provider) -> Rule:
    example = p.example or f'{p.env} = "<the {p.label} itself>"'
    instead = p.instead or (
        f'import os\n{p.env} = os.environ["{p.env}"]   # set in CI secrets or an '
        "untracked .env\n# and revoke the leaked one at the provider"
    )
    references = tuple(dict.fromkeys(r for r in (p.revoke, p.fmt_ref, _GITHUB_LEAKS) if r))
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
            "and JSON-escaped values are found; findings show only the first 4 characters."
            + _SHARED_DOCS,
            why=f"Anyone who reads the repository, a fork, a notebook export or a CI log can use "
            f"the {p.label} with your permissions and on your bill. Bots harvest keys from public "
            "pushes within minutes, and deleting the line does not help: git history keeps it.",
            example=example,
            instead=instead,
            references=references,
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
        what="Finds literal values assigned to secret-like names, in every syntax they are "
        "written in: Python, JS/TS, Go (`:=`, `var x string =`), Java/Kotlin/C# (also "
        '`System.setProperty("X_TOKEN", …)`), PHP (`=`, `.=`), Ruby, shell, Makefiles (`=`, '
        "`:=`, `?=`, `::=`, `:::=`), YAML, TOML, INI, `.env`, JSON (also `X_TOKEN=…\\n` inside a "
        "string), XML elements (also over several lines) and `key=… value=…` attributes, "
        'notebooks, command-line flags, and default arguments (`os.getenv("API_TOKEN", …)`, '
        "`ENV.fetch`, `process.env.X ?? …`). Names: `*_TOKEN`, `*_SECRET`, `*_API_KEY`, upper-"
        "case `*_KEY`, `password`, `client_secret`, `Authorization`, with separators, camelCase "
        "and digit suffixes (`token1`, `access_token3`); ML names such as `pad_token`, "
        "`max_tokens`, `cache_key` are not secret-like. Values: only literals with enough "
        "entropy count, so hashes, git SHAs, UUIDs, checksums in lock/DVC files and model "
        "revisions stay quiet; identifiers (`vendor.traceName`), words and templates "
        "(`scope:prefix@host`, `org/model-7b`) are not secrets; a value that is base64 of text "
        "is judged by that text (a JSON page cursor is not a key unless it holds one; "
        "`Basic` of `secret:key` is a demo credential); a value under a provider's own name "
        "(`DD_API_KEY`, `COHERE_API_KEY`) is judged against that provider's format and "
        "reported under its rule. A value a comment presents as an example (`# e.g. …`) is "
        "not reported. " + PLACEHOLDER_DOC,
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
ENV_NAMES: dict[str, str] = {p.id: p.env for p in PROVIDERS if p.env and not p.advice}
ADVICE: dict[str, str] = {p.id: p.advice for p in PROVIDERS if p.advice}
