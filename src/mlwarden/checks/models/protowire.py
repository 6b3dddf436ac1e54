"""A minimal protobuf wire-format walker for ONNX and TensorFlow files.

Why not the `onnx`/`tensorflow` packages: `onnx.load` resolves external data by default
(the very operation under audit, with three advisories of its own), both parse the whole
message into memory (a multi-GB model), and both are heavy native dependencies. The few
fields we judge are read here by number, the way any protobuf parser reads them; tensor
bytes are skipped by their length, never read; malformed varints and lengths that run
past their message are errors (the file is then reported as unreadable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from mlwarden.checks.models.base import BoundedReader, Malformed

VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5
MAX_DEPTH = 64
MAX_STRING = 1024 * 1024


def varint(reader: BoundedReader) -> int:
    value = shift = 0
    while True:
        byte = reader.read(1)
        if not byte:
            raise Malformed("truncated protobuf varint")
        value |= (byte[0] & 0x7F) << shift
        if byte[0] < 0x80:
            return value
        shift += 7
        if shift > 63:
            raise Malformed("protobuf varint longer than 10 bytes")


def fields(reader: BoundedReader, end: int | None) -> Iterator[tuple[int, int, int]]:
    """(field number, wire type, value) of each field up to `end` (None: the end of the
    stream); for LEN fields the value is the length and the caller must consume exactly
    that many bytes (`skip`, `string` or a nested walk) before asking for the next one."""
    while reader.consumed < end if end is not None else reader.peek(1):
        key = varint(reader)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise Malformed("protobuf field number 0")
        if wire == VARINT:
            yield number, wire, varint(reader)
        elif wire == FIXED64:
            reader.skip(8)
        elif wire == FIXED32:
            reader.skip(4)
        elif wire == LEN:
            length = varint(reader)
            if end is not None and reader.consumed + length > end:
                raise Malformed("protobuf length runs past its message")
            yield number, wire, length
        else:
            raise Malformed(f"unsupported protobuf wire type {wire}")
    if end is not None and reader.consumed != end:
        raise Malformed("protobuf field runs past its message")


def string(reader: BoundedReader, length: int) -> str:
    if length > MAX_STRING:
        reader.skip(length)
        return ""
    return reader.read_exact(length).decode("utf-8", "replace")


Handler = Callable[[BoundedReader, int, int], None]  # (reader, end, depth)


def walk(
    reader: BoundedReader, end: int | None, depth: int, handlers: Mapping[int, Handler]
) -> None:
    """Visit a message: LEN fields with a handler are descended into, all else skipped."""
    if depth > MAX_DEPTH:
        raise Malformed("protobuf messages nested too deep")
    for number, wire, value in fields(reader, end):
        if wire != LEN:
            continue
        handler = handlers.get(number)
        if handler is None:
            reader.skip(value)
        else:
            handler(reader, reader.consumed + value, depth + 1)
