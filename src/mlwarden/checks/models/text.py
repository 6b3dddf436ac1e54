"""Text files that steer a model loader: Hugging Face JSON configs (`auto_map`,
`trust_remote_code`, chat templates), standalone Keras model JSON, and chat templates
in any text file (`chat_template.jinja`, YAML configs).

Recognised by content: a JSON object with one of the keys below, or text holding
Jinja2 syntax next to the characters an escape needs. Everything else is left alone
after one bounded read.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlwarden.checks.models import hfconfig, keras
from mlwarden.checks.models.base import BoundedReader

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

MAX_TEXT = 32 * 1024 * 1024
_JSON_MARKERS = (
    b'"auto_map"',
    b'"chat_template"',
    b'"trust_remote_code"',
    b'"_attn_implementation_internal"',
    b'"class_name"',
)
_JINJA = (b"{{", b"{%")
# What an escape needs: a `_` name (possibly built from pieces or escapes) or |attr.
_ESCAPE_HINTS = (b"__", b"x5f", b"u005f", b"attr", b"'_", b'"_', b"_'", b'_"', b"chr(")


def judge_text(an: Analyzer, reader: BoundedReader, label: str | None, depth: int) -> bool:
    """Judge a text blob; True when it was one of ours."""
    data = reader.read(MAX_TEXT + 1)
    if len(data) > MAX_TEXT:
        if any(m in data for m in _JSON_MARKERS) and data.lstrip()[:1] == b"{":
            an.incomplete(label, f"JSON config over {MAX_TEXT // (1024 * 1024)} MB")
            return True
        return False
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] == b"{" and any(m in data for m in _JSON_MARKERS):
        try:
            document = json.loads(stripped)
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, dict):
            _json(an, document, stripped, label, depth)
            return True
    if any(m in data for m in _JINJA) and any(h in data for h in _ESCAPE_HINTS):
        from mlwarden.checks.models import templates  # jinja2 only when a template shows

        source = data.decode("utf-8", "replace")
        return templates.judge_template(an, source, label, "template", strict=False)
    return False


def _json(
    an: Analyzer, document: dict[str, Any], raw: bytes, label: str | None, depth: int
) -> None:
    if keras.is_model_config(document) and (
        "module" in document or isinstance(document.get("config"), (dict, list))
    ):
        keras.judge_config(an, document, raw, label, depth, container="Keras model JSON")
    hfconfig.judge_config(an, document, label)
    from mlwarden.checks.models import templates

    chat = document.get("chat_template")
    if isinstance(chat, str):
        templates.judge_template(an, chat, label, "chat_template", strict=True)
    elif isinstance(chat, list):
        for entry in chat:
            if isinstance(entry, dict) and isinstance(entry.get("template"), str):
                name = str(entry.get("name", "?"))
                templates.judge_template(
                    an, entry["template"], label, f"chat_template `{name}`", strict=True
                )
