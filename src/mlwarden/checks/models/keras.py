"""Keras model configs (v3 `config.json`, legacy HDF5 `model_config`, `keras_metadata.pb`):
what `load_model` imports, calls or runs.

Every object of the config is visited, at any depth (nested models, wrappers, custom
objects): a scanner that only looks at top-level layers misses a Lambda inside a nested
`Functional`. The text is also searched before parsing for the switch that turns safe
mode off from inside the file (CVE-2025-9906).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlwarden.checks.models.allowlist import Verdict, classify
from mlwarden.checks.models.verdicts import where

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

KERAS_MODULES = ("keras", "tf_keras", "tensorflow.keras", "keras_hub", "keras_nlp", "keras_cv")
# Keras functions a config may name that load, fetch, or switch safe mode off.
_RISKY_WORDS = ("load", "get_file", "unsafe", "global_attribute", "safe_mode", "exec", "eval")
_LOOKUPS = ("StringLookup", "IntegerLookup", "TextVectorization", "Hashing")
_LAMBDA_FIELDS = ("function", "output_shape", "mask")
_MAX_OBJECTS = 1_000_000


def is_model_config(config: Any) -> bool:
    return (
        isinstance(config, dict)
        and isinstance(config.get("class_name"), str)
        and ("config" in config)
    )


def in_keras(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in KERAS_MODULES)


def _objects(config: Any) -> Iterator[dict[str, Any]]:
    stack: list[Any] = [config]
    seen = 0
    while stack and seen < _MAX_OBJECTS:
        node = stack.pop()
        seen += 1
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            yield node
            stack.extend(node.values())


def _lambda_name(node: dict[str, Any]) -> str:
    inner = node.get("config")
    name = inner.get("name") if isinstance(inner, dict) else None
    return str(name) if name else "?"


def judge_config(
    an: Analyzer, config: Any, text: bytes, label: str | None, depth: int, *, container: str
) -> None:
    out = an.out
    for marker in (b"enable_unsafe_deserialization", b'"safe_mode"'):
        if marker in text:
            word = marker.decode().strip('"')
            out.add(
                "MOD009",
                label,
                f"toggle:{word}",
                f"{container} config mentions `{word}`{where(label)}: the file switches Keras "
                "safe mode off while it loads, then runs what safe mode blocks "
                "(CVE-2025-9906); do not load it",
            )
    for node in _objects(config):
        cls, module = node.get("class_name"), node.get("module")
        inner = node.get("config")
        if cls == "Lambda" and isinstance(inner, dict):
            for field in _LAMBDA_FIELDS:
                if _bytecode(inner, field):
                    what = f"Lambda layer `{_lambda_name(node)}` ({field})"
                    _lambda(an, label, what, container)
        elif cls == "__lambda__" and not _inside_lambda(config, node):
            _lambda(an, label, "a `__lambda__` function", container)
        elif cls == "TorchModuleWrapper":
            _torch_wrapper(an, inner, label, depth, container)
        elif cls == "TFSMLayer":
            out.add(
                "MOD009",
                label,
                "TFSMLayer",
                f"{container} holds a TFSMLayer{where(label)}: loading it loads and runs a "
                "TensorFlow SavedModel named by the config (CVE-2026-1462); pin keras >= "
                "3.13.2 and load only SavedModels you built",
            )
        elif (
            cls in _LOOKUPS and isinstance(inner, dict) and isinstance(inner.get("vocabulary"), str)
        ):
            out.add(
                "MOD009",
                label,
                f"vocabulary:{cls}",
                f"{container}: `{cls}` reads its vocabulary from `{inner['vocabulary'][:80]}`"
                f"{where(label)} at load time, a host file or a URL (CVE-2025-12058); keep the "
                "vocabulary inline",
            )
        if isinstance(module, str) and isinstance(cls, str) and cls != "__lambda__":
            name = inner if cls == "function" and isinstance(inner, str) else cls
            _reference(an, module, name, label, container)


def _bytecode(config: dict[str, Any], field: str) -> bool:
    """Whether a Lambda's function (or output_shape, mask) is marshalled code rather
    than a reference to a named function: `__lambda__` (Keras 3), a `[code, defaults,
    closure]` list or `*_type: lambda` (Keras 2), or any other shape."""
    value = config.get(field)
    if config.get(f"{field}_type") == "lambda":
        return True
    if isinstance(value, str):
        # A named function (`my_module.scale`), or source text (`lambda x: ...`).
        return not all(part.isidentifier() for part in value.split("."))
    if value is None or config.get(f"{field}_type") == "raw":
        return False
    if isinstance(value, dict):
        return not (value.get("class_name") == "function" and isinstance(value.get("module"), str))
    code_list = isinstance(value, list) and bool(value) and isinstance(value[0], str)
    return field == "function" or code_list


def _inside_lambda(config: Any, target: dict[str, Any]) -> bool:
    """A `__lambda__` object already reported through its Lambda layer."""
    for node in _objects(config):
        inner = node.get("config")
        if (
            node.get("class_name") == "Lambda"
            and isinstance(inner, dict)
            and any(inner.get(field) is target for field in _LAMBDA_FIELDS)
        ):
            return True
    return False


def _lambda(an: Analyzer, label: str | None, what: str, container: str) -> None:
    an.out.add(
        "MOD005",
        label,
        f"lambda:{what}",
        f"{container} holds {what} as Python code (marshalled bytecode or source)"
        f"{where(label)}: it runs on "
        "load (always for legacy .h5 before Keras 3.11.3, and whenever safe mode is off or "
        "unset); rewrite it as a registered custom layer and keep safe_mode=True",
    )


def _reference(an: Analyzer, module: str, name: str, label: str | None, container: str) -> None:
    full = f"{module}.{name}"
    if in_keras(module):
        if any(word in name.lower() for word in _RISKY_WORDS):
            an.out.add(
                "MOD009",
                label,
                f"ref:{full}",
                f"{container} config calls `{full}`{where(label)} while loading: Keras' own "
                "loaders, downloaders and safe-mode switches defeat safe_mode=True "
                "(CVE-2025-8747, CVE-2025-9906); do not load it",
            )
        return
    verdict = classify(module, name, an.out.allow)
    if verdict.verdict is not Verdict.SAFE:
        an.out.verdict(
            full,
            verdict.verdict,
            verdict.reason,
            label,
            f"{container} config references",
            verdict.sources,
        )


def _torch_wrapper(an: Analyzer, inner: Any, label: str | None, depth: int, container: str) -> None:
    an.out.add(
        "MOD009",
        label,
        "TorchModuleWrapper",
        f"{container} holds a TorchModuleWrapper{where(label)}: Keras torch.load()s its "
        "module with weights_only=False (CVE-2025-49655, CVE-2026-12484); the pickle inside "
        "is judged too",
    )
    payload = inner.get("module") if isinstance(inner, dict) else None
    if isinstance(payload, str):
        try:
            data = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            return
        from mlwarden.checks.models.analyzer import join

        an.judge_bytes(data, join(label, "TorchModuleWrapper"), depth + 1)
