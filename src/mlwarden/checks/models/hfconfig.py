"""Hugging Face configs that make `from_pretrained` import code.

`auto_map` maps an Auto class to `module.Class` (a `module.py` of the model repository)
or to `org/repo--module.Class` (code in *another* repository): transformers imports it
when the user passes `trust_remote_code=True`. That is an informational finding tied to
the semgrep rule on `trust_remote_code=True` (SG023): the code to review is named here.
Keys that make the loader trust or fetch code by themselves are high.
Docs: https://huggingface.co/docs/transformers/custom_models
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlwarden.checks.models.verdicts import where
from mlwarden.core.findings import Severity

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

_MAX_NODES = 100_000


def _dicts(document: Any) -> Iterator[dict[str, Any]]:
    stack = [document]
    seen = 0
    while stack and seen < _MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _references(auto_map: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for auto, value in sorted(auto_map.items()):
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, str) and ref:
                yield str(auto), ref


def judge_config(an: Analyzer, document: dict[str, Any], label: str | None) -> None:
    for node in _dicts(document):
        auto_map = node.get("auto_map")
        if isinstance(auto_map, dict):
            for auto, ref in _references(auto_map):
                _auto_map(an, auto, ref, label)
        if node.get("trust_remote_code") not in (None, False):
            an.out.add(
                "MOD017",
                label,
                "trust_remote_code",
                f"config sets `trust_remote_code`{where(label)}: transformers passed it on to "
                "nested loads, running remote code the user never allowed (CVE-2026-5241); "
                "remove the key",
            )
        attn = node.get("_attn_implementation_internal")
        if isinstance(attn, str) and "/" in attn:
            an.out.add(
                "MOD017",
                label,
                "_attn_implementation_internal",
                f"config names the Hub kernel repository `{attn}` as its attention "
                f"implementation{where(label)}: transformers < 5.3 fetched and ran it on load "
                "(CVE-2026-4372); remove the key",
            )


def _auto_map(an: Analyzer, auto: str, ref: str, label: str | None) -> None:
    if "--" in ref:
        repo, _, target = ref.partition("--")
        an.out.add(
            "MOD016",
            label,
            f"auto_map:{auto}:{ref}",
            f"auto_map `{auto}` loads `{target}` from another Hub repository `{repo}`"
            f"{where(label)}: with trust_remote_code=True (SG023) that code runs, and it is "
            "not in this commit; vendor it and pin the repository by commit",
            Severity.MEDIUM,
        )
        return
    module = ref.rsplit(".", 1)[0]
    an.out.add(
        "MOD016",
        label,
        f"auto_map:{auto}:{ref}",
        f"auto_map `{auto}` imports `{ref}`{where(label)}: loading this model needs "
        f"trust_remote_code=True (SG023), which runs `{module}.py`; review it as code you run",
    )
