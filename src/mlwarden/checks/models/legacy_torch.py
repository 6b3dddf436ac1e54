"""torch's legacy tar format (torch < 0.4 wrote it; `torch.load` still reads it).

The tar holds `sys_info` and `pickle` (plain pickles, judged as members) and two sections
that interleave pickles with raw bytes, read here the way `torch.serialization.legacy_load`
reads them:
- `storages`: a pickle (count), then per storage a pickle `(key, location, storage_type)`,
  an 8-byte element count and that many elements; then a pickle of storage views;
- `tensors`: a pickle (count), then per tensor a pickle `(key, storage_id, type)`, an
  int32 ndim, 4 padding bytes, ndim sizes and ndim strides (int64), an int64 offset.
Every one of these pickles is unpickled by the loader, so every one is judged.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from mlwarden.checks.models.base import BoundedReader
from mlwarden.checks.models.pickle_analysis import analyse_pickle
from mlwarden.checks.models.pickle_calls import PickleResult
from mlwarden.checks.models.values import Global

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

ELEMENT_SIZES = {
    "DoubleStorage": 8,
    "FloatStorage": 4,
    "HalfStorage": 2,
    "BFloat16Storage": 2,
    "LongStorage": 8,
    "IntStorage": 4,
    "ShortStorage": 2,
    "CharStorage": 1,
    "ByteStorage": 1,
    "BoolStorage": 1,
    "ComplexFloatStorage": 8,
    "ComplexDoubleStorage": 16,
    "QInt8Storage": 1,
    "QUInt8Storage": 1,
    "QInt32Storage": 4,
}
MAX_ENTRIES = 10_000_000


def _one(an: Analyzer, reader: BoundedReader, label: str, depth: int) -> PickleResult | None:
    if not reader.peek(1):
        return None  # the section ends: nothing more is unpickled
    result = analyse_pickle(reader, an.caps, nested=an.nested_hook(label, depth))
    an.out.pickle_result(result, label)
    if result.problem is None:
        return result
    if result.problem_kind == "malformed":
        an.error(label, f"legacy torch section: pickle is malformed: {result.problem}")
    else:
        an.incomplete(label, result.problem)
    return None


def _count(an: Analyzer, result: PickleResult | None, label: str) -> int | None:
    if result is None:
        return None
    if not isinstance(result.value, int) or not 0 <= result.value <= MAX_ENTRIES:
        an.incomplete(label, f"legacy torch section announces {result.value!r} entries")
        return None
    return result.value


def judge_section(
    an: Analyzer, reader: BoundedReader, section: str, label: str, depth: int
) -> None:
    count = _count(an, _one(an, reader, label, depth), label)
    if count is None:
        return
    for _ in range(count):
        entry = _one(an, reader, label, depth)
        if entry is None:
            return
        if section == "storages":
            value = entry.value
            kind = value[2] if isinstance(value, tuple) and len(value) == 3 else None
            size = ELEMENT_SIZES.get(kind.name) if isinstance(kind, Global) else None
            if size is None:
                an.incomplete(label, "legacy torch storage of an unknown type")
                return
            elements = struct.unpack("<q", reader.read_exact(8))[0]
            reader.skip(elements * size)
        else:
            ndim = struct.unpack("<i", reader.read_exact(4))[0]
            if not 0 <= ndim <= 64:
                an.incomplete(label, f"legacy torch tensor with {ndim} dimensions")
                return
            reader.skip(4 + 16 * ndim + 8)
    if section == "storages":
        _one(an, reader, label, depth)  # the storage views
