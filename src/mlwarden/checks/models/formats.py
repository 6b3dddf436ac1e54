"""Recognising model formats by their first bytes (never by name), .npy headers and
safetensors headers."""

from __future__ import annotations

import ast
import json
import math
import re
from typing import Any

from mlwarden.checks.models.base import BoundedReader, Malformed

HEAD = 512  # a tar header is 512 bytes
COMPRESSIONS = ("gzip", "bz2", "xz", "lzma", "zlib", "lz4")
# Magic numbers that leave no doubt: corrupt content behind them is reported.
STRONG_MAGIC = ("zip", "gzip", "bz2", "xz", "lz4", "7z", "hdf5", "gguf", "npy", "tar")
# Extensions that promise a model: content no loader could read under these names is
# reported (MOD007). Recognition itself is by content only.
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
    ".h5",
    ".hdf5",
    ".gguf",
    ".onnx",
    ".sav",
    ".dill",
)
# File names the loaders look for (a generic `.pb` or `.bin` promises nothing).
MODEL_NAMES = ("saved_model.pb", "keras_metadata.pb", "pytorch_model.bin", "training_args.bin")
_WRAPPERS = (".gz", ".bz2", ".xz", ".lzma", ".lz4", ".tar")


def promises_model(path: str) -> bool:
    """`model.pkl`, `model.pkl.gz`, `model.pth.tar`: a name that promises a model."""
    name = path.lower()
    while name.endswith(_WRAPPERS):
        name = name[: name.rindex(".")]
    return name.endswith(MODEL_SUFFIXES) or name.rsplit("/", 1)[-1] in MODEL_NAMES


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
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "hdf5"
    if head.startswith(b"GGUF"):
        return "gguf"
    if head.startswith(b"version https://git-lfs"):
        return "lfs-pointer"
    if len(head) >= 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < 1 << 40:
        return "safetensors"
    if is_tar_header(head):
        return "tar"
    return None


def is_tar_header(head: bytes) -> bool:
    """A ustar magic, or a v7 header whose checksum adds up (tarfile's own test)."""
    if len(head) < 512 or head[0] == 0:
        return False
    if head[257:262] == b"ustar":
        return True
    field = head[148:156].replace(b"\0", b" ").strip()
    if not field or not all(48 <= c <= 55 for c in field):
        return False
    total = sum(head[:148]) + 8 * 32 + sum(head[156:512])
    return int(field, 8) == total


_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def looks_text(head: bytes) -> bool:
    """Valid UTF-8 (a character may be cut at the end) without control characters
    other than whitespace and ESC: what text editors write."""
    if _BINARY_CONTROLS.search(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3
    return True


def importable(module: str, name: str) -> bool:
    """Whether CPython's find_class could import `module` and get `name` (dotted names
    are attribute paths from protocol 4 on)."""
    return all(p.isidentifier() for p in module.split(".")) and all(
        p.isidentifier() for p in name.split(".")
    )


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
