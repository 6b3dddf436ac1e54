"""Decoders for opcode arguments, one per `pickletools.ArgumentDescriptor`.

Fixed-width and length-prefixed arguments are decoded here directly (the hot path);
newline-terminated ones (protocol 0) are read the way CPython reads them. Long data is
skipped or kept as `Opaque` so a crafted length never becomes an allocation; bytes that
look like an embedded pickle or archive are kept (within a budget) for nested analysis.
"""

from __future__ import annotations

import codecs
import pickletools
import re
import struct
from collections.abc import Callable
from typing import Any

from mlwarden.checks.models.base import BoundedReader, Malformed
from mlwarden.checks.models.values import Embedded, Opaque

BIG_ARG = 1024 * 1024  # longer arguments are skipped, not read
KEEP_STR = 4096  # longer strings/bytes are kept as Opaque


ArgReader = Callable[[BoundedReader], Any]


def _fixed(width: int, fmt: str) -> ArgReader:
    unpack = struct.Struct(fmt).unpack

    def read(reader: BoundedReader) -> Any:
        return unpack(reader.read_exact(width))[0]

    return read


def looks_nested(head: bytes) -> bool:
    """Bytes that a nested loader could read as a pickle or a torch zip."""
    return (len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5) or head[:4] == b"PK\x03\x04"


def _sized(
    width: int, decode: Callable[[bytes], Any], *, signed: bool = False, raw: bool = False
) -> ArgReader:
    """Length-prefixed data; what is too long to keep is skipped without reading it,
    except raw bytes that look like an embedded pickle or zip (`raw`), which are kept
    within the reader's budget for a nested loader to be judged on."""

    def read(reader: BoundedReader) -> Any:
        length = int.from_bytes(reader.read_exact(width), "little", signed=signed)
        if length < 0:
            raise Malformed("negative length")
        if length > KEEP_STR and length >= 4:
            head = reader.read_exact(4)
            reader.unread(head)
            # Protocol 2 stores bytes as text for `_codecs.encode(text, "latin1")`: a
            # pickle there starts with U+0080 (b"\xc2\x80" in UTF-8).
            nested = looks_nested(head) or (
                head[:2] == b"\xc2\x80" and 2 <= head[2] <= 5 and not raw
            )
            if nested and reader.keep(length):
                data = reader.read_exact(length)
                return Embedded(data) if raw else decode(data)
        if length > KEEP_STR:
            if length > BIG_ARG:
                reader.skip(length)
            else:
                reader.read_exact(length)
            return Opaque(f"{length} bytes")
        data = reader.read_exact(length)
        return Embedded(data) if raw and looks_nested(data) else decode(data)

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
    "bytes1": _sized(1, bytes, raw=True),
    "bytes4": _sized(4, bytes, raw=True),
    "bytes8": _sized(8, bytes, raw=True),
    "bytearray8": _sized(8, bytes, raw=True),
    "unicodestring1": short_unicode,
    "unicodestring4": _sized(4, _utf8),
    "unicodestring8": _sized(8, _utf8),
}


# --- newline-terminated arguments (protocol 0), read the way CPython's unpickler does ---
#
# pickletools parses some of them more strictly than `_pickle.c`: `INT 0x1f` is a
# ValueError for pickletools (base 10) but 31 for CPython (`strtol(s, 0)`, then
# `int(s, 0)`), so a scanner built on pickletools stops where the loader goes on to the
# payload. Each reader below accepts at least what CPython accepts.

_C_INT = re.compile(rb"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def _line(reader: BoundedReader) -> bytes:
    data = reader.readline()
    if not data.endswith(b"\n"):
        raise Malformed("no newline at the end of a protocol-0 argument")
    return data[:-1]


def _int_base0(text: bytes) -> int:
    """`strtol(s, NULL, 0)` when it consumes the whole line, else `int(s, 0)`."""
    match = _C_INT.fullmatch(text)
    if match is not None:
        digits = match.group(2)
        base = 16 if digits[1:2] in (b"x", b"X") else 8 if digits[:1] == b"0" else 10
        value = int(digits, base)
        return -value if match.group(1) == b"-" else value
    return int(text.decode("latin-1"), 0)


def read_int(reader: BoundedReader) -> Any:
    text = _line(reader)
    if text in (b"00", b"01"):
        return text == b"01"
    return _int_base0(text)


def read_long(reader: BoundedReader) -> Any:
    text = _line(reader)
    return int(text[:-1] if text.endswith(b"L") else text, 0)


def read_memo_key(reader: BoundedReader) -> Any:
    return int(_line(reader))  # GET/PUT: PyLong_FromString(s, NULL, 10)


def read_float(reader: BoundedReader) -> Any:
    return float(_line(reader))


def read_string(reader: BoundedReader) -> Any:
    text = _line(reader).rstrip()
    if len(text) < 2 or text[:1] != text[-1:] or text[:1] not in (b"'", b'"'):
        raise Malformed("the STRING opcode argument must be quoted")
    value = codecs.escape_decode(text[1:-1])[0].decode("latin-1")
    return Opaque("long text") if len(value) > KEEP_STR else value


def read_unicode(reader: BoundedReader) -> Any:
    value = str(_line(reader), "raw-unicode-escape")
    return Opaque("long text") if len(value) > KEEP_STR else value


def read_persid(reader: BoundedReader) -> Any:
    return _line(reader).decode("latin-1")


def read_global_pair(reader: BoundedReader) -> Any:
    """GLOBAL/INST: two lines, each decoded as UTF-8 (CPython's load_global)."""
    module = _line(reader).decode("utf-8", "surrogateescape")
    name = _line(reader).decode("utf-8", "surrogateescape")
    return module, name


_LINE_READERS: dict[str, ArgReader] = {
    "INT": read_int,
    "LONG": read_long,
    "FLOAT": read_float,
    "STRING": read_string,
    "UNICODE": read_unicode,
    "GET": read_memo_key,
    "PUT": read_memo_key,
    "GLOBAL": read_global_pair,
    "INST": read_global_pair,
    "PERSID": read_persid,
}


def arg_reader(op: pickletools.OpcodeInfo) -> ArgReader | None:
    if op.arg is None:
        return None
    if op.arg.n == pickletools.UP_TO_NEWLINE:
        return _LINE_READERS[op.name]
    return _FAST_READERS[op.arg.name]
