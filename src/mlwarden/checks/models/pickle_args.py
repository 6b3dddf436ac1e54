"""Decoders for opcode arguments, one per `pickletools.ArgumentDescriptor`.

Fixed-width and length-prefixed arguments are decoded here directly (the hot path);
newline-terminated ones (protocol 0) go through pickletools' own readers. Long data
is skipped or kept as `Opaque` so a crafted length never becomes an allocation.
"""

from __future__ import annotations

import pickletools
import struct
from collections.abc import Callable
from typing import Any

from mlwarden.checks.models.base import BoundedReader, Malformed
from mlwarden.checks.models.values import Opaque

BIG_ARG = 1024 * 1024  # longer arguments are skipped, not read
KEEP_STR = 4096  # longer strings/bytes are kept as Opaque


ArgReader = Callable[[BoundedReader], Any]


def _fixed(width: int, fmt: str) -> ArgReader:
    unpack = struct.Struct(fmt).unpack

    def read(reader: BoundedReader) -> Any:
        return unpack(reader.read_exact(width))[0]

    return read


def _sized(width: int, decode: Callable[[bytes], Any], *, signed: bool = False) -> ArgReader:
    """Length-prefixed data; what is too long to keep is skipped without reading it."""

    def read(reader: BoundedReader) -> Any:
        length = int.from_bytes(reader.read_exact(width), "little", signed=signed)
        if length < 0:
            raise Malformed("negative length")
        if length > KEEP_STR:
            if length > BIG_ARG:
                reader.skip(length)
            else:
                reader.read_exact(length)
            return Opaque(f"{length} bytes")
        return decode(reader.read_exact(length))

    return read


def _long(data: bytes) -> int:
    return int.from_bytes(data, "little", signed=True)


def _utf8(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _latin1(data: bytes) -> str:
    return data.decode("latin-1")


def uint1(reader: BoundedReader) -> int:
    byte = reader.read(1)
    if not byte:
        raise Malformed("truncated: wanted 1 bytes, got 0")
    return byte[0]


short_unicode = _sized(1, _utf8)
_FAST_READERS: dict[str, ArgReader] = {
    "uint1": uint1,
    "uint2": _fixed(2, "<H"),
    "int4": _fixed(4, "<i"),
    "uint4": _fixed(4, "<I"),
    "uint8": _fixed(8, "<Q"),
    "float8": _fixed(8, ">d"),
    "long1": _sized(1, _long),
    "long4": _sized(4, _long, signed=True),
    "string1": _sized(1, _latin1),
    "string4": _sized(4, _latin1, signed=True),
    "bytes1": _sized(1, bytes),
    "bytes4": _sized(4, bytes),
    "bytes8": _sized(8, bytes),
    "bytearray8": _sized(8, bytes),
    "unicodestring1": short_unicode,
    "unicodestring4": _sized(4, _utf8),
    "unicodestring8": _sized(8, _utf8),
}


def _line_reader(desc: pickletools.ArgumentDescriptor) -> ArgReader:
    """Newline-terminated arguments: pickletools decodes them; our readline is bounded."""

    def read(reader: BoundedReader) -> Any:
        value = desc.reader(reader)  # type: ignore[arg-type]
        return Opaque("long text") if isinstance(value, str) and len(value) > KEEP_STR else value

    return read


def arg_reader(op: pickletools.OpcodeInfo) -> ArgReader | None:
    if op.arg is None:
        return None
    if op.arg.n == pickletools.UP_TO_NEWLINE:
        return _line_reader(op.arg)
    return _FAST_READERS[op.arg.name]
