"""Recognising model formats by their first bytes, and the formats that hold no pickle:
safetensors headers and Keras `config.json`."""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from mlwarden.checks.models.base import BoundedReader, Malformed

HEAD = 64
COMPRESSIONS = ("gzip", "bz2", "xz", "lzma", "zlib")
# Extensions that promise a model: unreadable content under these names is an error.
MODEL_SUFFIXES = (
    ".pkl",
    ".pickle",
    ".pt",
    ".pth",
    ".joblib",
    ".ckpt",
    ".npy",
    ".npz",
    ".safetensors",
    ".keras",
    ".sav",
    ".dill",
)
# First opcodes of protocol 0/1 pickles (which have no PROTO header).
_PROTO0_STARTS = frozenset(b"(c]})NILFSVGJKMUTXP")
LEGACY_TORCH_MAGIC = 0x1950A86A20F9469CFC6C
SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024
SAFETENSORS_DTYPES = {
    "BOOL": 1,
    "U8": 1,
    "I8": 1,
    "F8_E5M2": 1,
    "F8_E4M3": 1,
    "F8_E8M0": 1,
    "I16": 2,
    "U16": 2,
    "F16": 2,
    "BF16": 2,
    "I32": 4,
    "U32": 4,
    "F32": 4,
    "I64": 8,
    "U64": 8,
    "F64": 8,
    "C64": 8,
    "F4": 1,
    "F6_E2M3": 1,
    "F6_E3M2": 1,
}


def sniff(head: bytes) -> str | None:
    """The format a stream's first bytes announce, or None for anything else."""
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if len(head) >= 2 and head[0] == 0x80 and head[1] <= 5:
        return "pickle"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if re.match(rb"BZh[1-9]", head):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head.startswith(b"\x5d\x00\x00"):
        return "lzma"
    if len(head) >= 2 and head[0] == 0x78 and head[1] in (1, 0x5E, 0x9C, 0xDA):
        return "zlib"
    if head.startswith(b"\x04\x22\x4d\x18"):
        return "lz4"
    if head.startswith(b"version https://git-lfs"):
        return "lfs-pointer"
    if len(head) >= 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < 1 << 40:
        return "safetensors"
    if head and head[0] in _PROTO0_STARTS:
        return "pickle0"
    return None


def npy_has_objects(reader: BoundedReader) -> bool:
    """Read a .npy header; True when its dtype holds Python objects (stored as a pickle)."""
    magic = reader.read_exact(8)
    major = magic[6]
    width = 2 if major == 1 else 4
    length = int.from_bytes(reader.read_exact(width), "little")
    if length > 1024 * 1024:
        raise Malformed(f".npy header of {length} bytes")
    text = reader.read_exact(length).decode("utf-8" if major >= 3 else "latin-1", "replace")
    try:
        header = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise Malformed("unreadable .npy header") from None
    if not isinstance(header, dict) or "descr" not in header:
        raise Malformed(".npy header without descr")
    return _descr_has_object(header["descr"])


def _descr_has_object(descr: Any) -> bool:
    if isinstance(descr, str):
        return re.match(r"^[<>|=]?O", descr) is not None
    if isinstance(descr, (list, tuple)):
        return any(
            isinstance(item, (list, tuple)) and len(item) >= 2 and _descr_has_object(item[1])
            for item in descr
        )
    return False


def safetensors_problem(header: bytes, data_size: int) -> str | None:
    """What is wrong with a safetensors header, or None; the checks safetensors itself does."""
    try:
        meta = json.loads(header)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return "header is not valid JSON"
    if not isinstance(meta, dict):
        return "header is not a JSON object"
    spans: list[tuple[int, int, str]] = []
    for name, entry in meta.items():
        if name == "__metadata__":
            if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
                return "__metadata__ must map strings to strings"
            continue
        if not isinstance(entry, dict):
            return f"tensor {name!r} is not an object"
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if dtype not in SAFETENSORS_DTYPES:
            return f"tensor {name!r} has unknown dtype {dtype!r}"
        if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
            return f"tensor {name!r} has an invalid shape"
        if not (
            isinstance(offsets, list)
            and len(offsets) == 2
            and all(isinstance(n, int) and n >= 0 for n in offsets)
            and offsets[0] <= offsets[1]
        ):
            return f"tensor {name!r} has invalid data_offsets"
        if offsets[1] > data_size:
            return f"tensor {name!r} ends at {offsets[1]}, past the {data_size} data bytes"
        expected = math.prod(shape) * SAFETENSORS_DTYPES[str(dtype)]
        if dtype not in ("F4", "F6_E2M3", "F6_E3M2") and offsets[1] - offsets[0] != expected:
            return (
                f"tensor {name!r} spans {offsets[1] - offsets[0]} bytes, its shape needs {expected}"
            )
        spans.append((offsets[0], offsets[1], str(name)))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            return f"tensor {name!r} starts at {begin}: data overlaps or has a hole at {position}"
        position = end
    if position != data_size:
        return f"tensors cover {position} of the {data_size} data bytes"
    return None


KERAS_MODULES = ("keras", "tf_keras", "tensorflow.keras", "keras_hub", "keras_nlp", "keras_cv")


def keras_references(config: Any) -> Iterator[tuple[str, str, str]]:
    """Yield ("lambda", layer, "") for Lambda layers and ("ref", module, name) for every
    `module`/`class_name` (or builtins function) reference in a Keras config."""
    stack: list[Any] = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        cls, module = node.get("class_name"), node.get("module")
        if cls == "Lambda":
            inner = node.get("config")
            name = inner.get("name", "?") if isinstance(inner, dict) else "?"
            yield "lambda", str(name), ""
        if isinstance(module, str) and isinstance(cls, str):
            target = node.get("config")
            if cls == "function" and isinstance(target, str):
                yield "ref", module, target
            else:
                yield "ref", module, cls
        stack.extend(node.values())


def load_json(data: bytes, parse: Callable[[bytes], Any] = json.loads) -> Any:
    try:
        return parse(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise Malformed("config.json is not valid JSON") from None
