"""Kubernetes `Secret` manifests (SEC058): the values under `data:` (base64) and
`stringData:` (clear text) of a document whose `kind` is `Secret`.

Read line by line rather than with a YAML parser: manifests in repositories are often Helm
or Kustomize templates (`{{ .Values.x | b64enc }}`) that no YAML parser accepts, and the
finding needs the value's line. A ConfigMap, an ExternalSecret (a reference to a secret
store) and template values are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from mlwarden.checks.secrets.generic import Found
from mlwarden.checks.secrets.names import is_secret_name
from mlwarden.checks.secrets.values import (
    plausible_decoded,
    plausible_literal,
    plausible_password,
    printable_base64,
)

RULE = "SEC058"
_DOC_SPLIT = re.compile(r"^---[ \t]*$", re.M)
_KIND = re.compile(r"""^kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?$""", re.M)
_SECTION = re.compile(r"^(?P<section>data|stringData):[ \t]*$", re.M)
_ENTRY = re.compile(
    r"""^[ \t]+["']?(?P<key>[\w.-]{1,253})["']?:[ \t]*"""
    r"""(?P<q>["']?)(?P<value>[^\s"'#]{1,10000})(?P=q)[ \t]*(?:#.*)?$"""
)
_BLOCK_SCALARS = frozenset({"|", ">", "|-", ">-", "|+", ">+"})
_JSON_KIND = re.compile(r""""kind"\s*:\s*"Secret"\s*[,}]""")
_JSON_SECTION = re.compile(r""""(?P<section>data|stringData)"\s*:\s*\{(?P<body>[^{}]*)\}""")
_JSON_ENTRY = re.compile(r""""(?P<key>[\w.-]{1,253})"\s*:\s*"(?P<value>[^"\\]{1,10000})\"""")


def find(text: str) -> list[Found]:
    if "Secret" not in text:
        return []
    found: list[Found] = []
    if _JSON_KIND.search(text):
        found.extend(_json(text))
    cuts = [0, *(m.end() for m in _DOC_SPLIT.finditer(text)), len(text)]
    for begin, end in pairwise(cuts):
        document = text[begin:end]
        if _KIND.search(document):
            found.extend(_yaml(document, begin))
    return found


def _yaml(document: str, offset: int) -> Iterator[Found]:
    for section in _SECTION.finditer(document):
        pos = section.end() + 1
        while pos < len(document):
            end = document.find("\n", pos)
            end = len(document) if end < 0 else end
            line = document[pos:end]
            if line.strip() and not line[:1].isspace():
                break  # the next top-level key ends the section
            m = _ENTRY.match(line)
            if m and m["value"] in _BLOCK_SCALARS:
                # `key: |` then the value on the more-indented lines below (`.dockercfg`).
                indent = len(line) - len(line.lstrip())
                value, value_pos, pos = _block(document, end + 1, indent)
                if value and _is_secret(m["key"], value, encoded=section["section"] == "data"):
                    yield Found(offset + value_pos, offset + value_pos + 1, RULE, value)
                continue
            if m and _is_secret(m["key"], m["value"], encoded=section["section"] == "data"):
                start = offset + pos + m.start("value")
                yield Found(start, start + len(m["value"]), RULE, m["value"])
            pos = end + 1


def _block(document: str, pos: int, indent: int) -> tuple[str, int, int]:
    """A YAML block scalar's text (lines joined), where it starts, and where it ends."""
    parts: list[str] = []
    first = pos
    while pos < len(document):
        end = document.find("\n", pos)
        end = len(document) if end < 0 else end
        line = document[pos:end]
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        if line.strip() and not parts:
            first = pos + len(line) - len(line.lstrip())
        parts.append(line.strip())
        pos = end + 1
    return "".join(parts), first, pos


def _json(text: str) -> Iterator[Found]:
    for section in _JSON_SECTION.finditer(text):
        base = section.start("body")
        for m in _JSON_ENTRY.finditer(section["body"]):
            if _is_secret(m["key"], m["value"], encoded=section["section"] == "data"):
                yield Found(base + m.start("value"), base + m.end("value"), RULE, m["value"])


def _is_secret(key: str, value: str, *, encoded: bool) -> bool:
    """A declared secret's value counts when it is not a placeholder: by the password bar
    under a secret-like key, by the generic bar otherwise (`username: trainer` is not)."""
    text = printable_base64(value) if encoded else value
    if text is None:
        # Binary (a keystore, a random key): a secret unless it is tiny.
        return encoded and len(value) >= 16
    if text.lstrip()[:1] in ("{", "["):
        return plausible_decoded(text, password=False)  # `.dockerconfigjson`: by content
    if is_secret_name(key) is not None:
        return plausible_password(text) or plausible_literal(text, quoted=True, password=True)
    return plausible_literal(text, quoted=True, password=False, decoded=True)
