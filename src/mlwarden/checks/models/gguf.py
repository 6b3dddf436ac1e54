"""GGUF (llama.cpp) files: only the header and the metadata table are read.

Everything that can run is in the metadata, before any tensor: the chat templates
(`tokenizer.chat_template` and every `tokenizer.chat_template.<name>`, which
llama-cpp-python registers as formatters). They go to the template judge. Large arrays
(a 150k-token vocabulary) are skipped by their lengths; a truncated table, an unknown
value type or an absurd length is an unreadable file.
Layout: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from mlwarden.checks.models.base import BoundedReader, Malformed

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

_SCALARS = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
STRING, ARRAY = 8, 9
MAX_KEY = 64 * 1024
MAX_TEMPLATE = 16 * 1024 * 1024
MAX_KV = 1_000_000
TEMPLATE_KEY = "tokenizer.chat_template"


class _Reader:
    def __init__(self, reader: BoundedReader, version: int) -> None:
        self.r = reader
        self.wide = version >= 2  # GGUF v1 used 32-bit counts and lengths

    def u32(self) -> int:
        value: int = struct.unpack("<I", self.r.read_exact(4))[0]
        return value

    def count(self) -> int:
        value: int = struct.unpack(
            "<Q" if self.wide else "<I", self.r.read_exact(8 if self.wide else 4)
        )[0]
        return value

    def string(self, limit: int) -> bytes | None:
        """A string up to `limit` bytes (None: longer, and skipped)."""
        length = self.count()
        if length > limit:
            self.r.skip(length)
            return None
        return self.r.read_exact(length)

    def skip_value(self, vtype: int, depth: int = 0) -> None:
        if vtype in _SCALARS:
            self.r.skip(_SCALARS[vtype])
        elif vtype == STRING:
            self.r.skip(self.count())
        elif vtype == ARRAY:
            if depth > 4:
                raise Malformed("GGUF arrays nested too deep")
            elem, n = self.u32(), self.count()
            if elem in _SCALARS:
                self.r.skip(n * _SCALARS[elem])
            else:
                for _ in range(n):
                    self.skip_value(elem, depth + 1)
        else:
            raise Malformed(f"unknown GGUF value type {vtype}")


def judge_gguf(an: Analyzer, reader: BoundedReader, label: str | None) -> None:
    header = reader.read_exact(8)
    version = struct.unpack("<I", header[4:8])[0]
    if not 1 <= version <= 3:
        raise Malformed(f"unsupported GGUF version {version}")
    gguf = _Reader(reader, version)
    gguf.count()  # tensor count
    pairs = gguf.count()
    if pairs > MAX_KV:
        raise Malformed(f"GGUF announces {pairs} metadata entries")
    for _ in range(pairs):
        raw_key = gguf.string(MAX_KEY)
        if raw_key is None:
            raise Malformed("GGUF metadata key longer than 64 KB")
        key = raw_key.decode("utf-8", "replace")
        vtype = gguf.u32()
        if vtype == STRING and (key == TEMPLATE_KEY or key.startswith(TEMPLATE_KEY + ".")):
            from mlwarden.checks.models import templates

            value = gguf.string(MAX_TEMPLATE)
            if value is None:
                an.incomplete(label, f"GGUF `{key}` is over {MAX_TEMPLATE // (1024 * 1024)} MB")
                continue
            templates.judge_template(
                an, value.decode("utf-8", "replace"), label, f"GGUF `{key}`", strict=True
            )
        else:
            gguf.skip_value(vtype)
