"""Keys with no prefix, known by the name they are stored under (`DD_API_KEY`, `COHERE_API_KEY`).

The generic rule reads the assignment in any syntax; when the name is one of these, the value
is judged against the provider's format instead of by entropy:

- it fits: reported under the provider's rule (its message says what to revoke);
- it does not fit a *documented, fixed* format (`strict`): not reported — a 16-character value
  under `AWS_SECRET_ACCESS_KEY` is not an AWS secret key (a placeholder, a truncated docs
  example); formats that are undocumented or drift (`strict=False`) fall back to the generic
  judgement instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

HEX32 = r"[0-9a-fA-F]{32}"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@dataclass(frozen=True)
class Anchor:
    rule_id: str
    name: str  # regex, searched in the lower-cased name with `-`/`.` read as `_`
    value: str  # regex, fullmatched
    strict: bool = True


ANCHORS: tuple[Anchor, ...] = (
    Anchor("SEC018", r"aws_?secret_?(?:access_?)?key", r"[A-Za-z0-9/+]{40}"),
    Anchor("SEC005", r"wandb_?api_?key", r"[0-9a-f]{40}|wandb_v1_[\w-]{50,100}"),
    Anchor("SEC007", r"kaggle_?(?:api_?)?key", rf"{HEX32}|KGAT_{HEX32}"),
    Anchor("SEC010", r"together_?(?:ai_?)?(?:api_?)?key", r"[0-9a-f]{64}|tgp_v1_[\w-]{40,50}"),
    Anchor("SEC011", r"pinecone_?(?:api_?)?key", rf"{UUID}|pcsk_\w+"),
    Anchor("SEC024", r"(?:^|_)co(?:here)?_?api_?key", r"[A-Za-z0-9]{40}"),
    Anchor("SEC025", r"mistral_?(?:api_?)?key", r"[A-Za-z0-9]{32}"),
    Anchor("SEC026", r"azure_?openai_?(?:api_?)?key", r"[A-Za-z0-9]{32,100}"),
    Anchor("SEC027", r"deepseek_?(?:api_?)?key", rf"sk-{HEX32}"),
    Anchor("SEC028", r"comet_?(?:ml_?)?api_?key", r"[A-Za-z0-9]{20,40}"),
    Anchor("SEC042", r"(?:storage|account)_?(?:account_?)?key", r"[A-Za-z0-9+/]{86}=="),
    Anchor("SEC056", r"paypal_?(?:client_?)?secret", r"[A-Za-z0-9_-]{80}", strict=False),
    Anchor("SEC061", r"heroku_?(?:api_?)?(?:key|token)", rf"{UUID}|HRKU-AA[\w-]{{58}}"),
    Anchor("SEC062", r"twilio_?(?:auth_?token|api_?secret|secret)", r"[0-9a-zA-Z]{32}"),
    Anchor(
        "SEC065",
        r"(?:^|_)(?:dd|datadog)_?(?:api|app|application)_?key",
        r"[0-9a-f]{32}|[0-9a-f]{40}",
    ),
    Anchor("SEC075", r"vercel_?(?:api_?)?token", r"[A-Za-z0-9]{24}", strict=False),
    Anchor("SEC084", r"weaviate_?(?:api_?)?key", r"[A-Za-z0-9_-]{32,64}", strict=False),
    Anchor("SEC085", r"qdrant_?(?:api_?)?key", r"[A-Za-z0-9_-]{32,64}", strict=False),
    Anchor("SEC086", r"clearml_?(?:api_?)?secret_?key", r"[A-Za-z0-9]{40,64}", strict=False),
)


@cache
def _compiled() -> tuple[tuple[Anchor, re.Pattern[str], re.Pattern[str]], ...]:
    return tuple((a, re.compile(a.name), re.compile(a.value)) for a in ANCHORS)


def anchored(name: str, value: str) -> tuple[str | None, bool]:
    """(rule id, decided) for a value stored under `name`: (rule, True) when it fits a
    provider's format, (None, True) when a strict format rules it out, (None, False) when the
    name is no provider's."""
    key = re.sub(r"[-.\s]", "_", _split_camel(name)).lower()
    for anchor, name_re, value_re in _compiled():
        if name_re.search(key):
            if value_re.fullmatch(value):
                return anchor.rule_id, True
            return None, anchor.strict
    return None, False


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
