"""Byte-level writers for the corpus: pickle opcodes, zip header surgery, protobuf fields.

Standard library only. Nothing here unpickles or loads anything: malicious streams are
assembled opcode by opcode, and archives are patched as bytes.
"""

from __future__ import annotations

import gzip
import io
import struct
import tarfile
import zipfile
from collections.abc import Iterable

# --- pickle opcodes ---------------------------------------------------------------------

PROTO2 = b"\x80\x02"
PROTO4 = b"\x80\x04"
STOP = b"."
MARK = b"("
TUPLE = b"t"
REDUCE = b"R"
POP = b"0"
BUILD = b"b"
EMPTY_DICT = b"}"
EMPTY_LIST = b"]"
EMPTY_TUPLE = b")"
APPENDS = b"e"
SETITEMS = b"u"
NONE = b"N"
NEWTRUE = b"\x88"
STACK_GLOBAL = b"\x93"
MEMOIZE = b"\x94"
NEWOBJ = b"\x81"
NEWOBJ_EX = b"\x92"
CMD = "echo pwned"  # every payload is this inert, recognisable command (never run)
PY_CMD = f"__import__('os').system('{CMD}')"


def ustr(text: str) -> bytes:
    """BINUNICODE (accepted by every protocol's unpickler)."""
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def short_ustr(text: str) -> bytes:
    """SHORT_BINUNICODE (protocol 4)."""
    data = text.encode("utf-8")
    return b"\x8c" + bytes([len(data)]) + data


def binbytes(data: bytes) -> bytes:
    return b"B" + struct.pack("<I", len(data)) + data


def binint(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def glob(module: str, name: str) -> bytes:
    """GLOBAL: `module name` on two lines (protocols 0-3; dotted names need PROTO 4)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def stack_glob(module: str, name: str) -> bytes:
    """STACK_GLOBAL on two short strings (protocol 4; `name` may be a dotted path)."""
    return short_ustr(module) + short_ustr(name) + STACK_GLOBAL


def tup(*items: bytes) -> bytes:
    return MARK + b"".join(items) + TUPLE


def lst(*items: bytes) -> bytes:
    return EMPTY_LIST + (MARK + b"".join(items) + APPENDS if items else b"")


def dct(pairs: Iterable[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(k + v for k, v in pairs)
    return EMPTY_DICT + (MARK + body + SETITEMS if body else b"")


def call(func: bytes, *args: bytes) -> bytes:
    """`func(*args)`: the callable's opcodes, an argument tuple, REDUCE."""
    return func + tup(*args) + REDUCE


def p2(body: bytes) -> bytes:
    return PROTO2 + body + STOP


def p4(body: bytes) -> bytes:
    return PROTO4 + body + STOP


def os_system(module: str = "os") -> bytes:
    """`os.system('echo pwned')` as protocol-2 opcodes (no header, no STOP)."""
    return call(glob(module, "system"), ustr(CMD))


PROTO0_OS_SYSTEM = b"cos\nsystem\n(S'" + CMD.encode() + b"'\ntR."

# --- zip archives -----------------------------------------------------------------------

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
EOCD = b"PK\x05\x06"


def make_zip(members: Iterable[tuple[str, bytes]], *, compress: int = zipfile.ZIP_STORED) -> bytes:
    """A zip written by the standard library; member names are kept exactly as given."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compress) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buf.getvalue()


def _central_entries(data: bytes) -> list[tuple[int, int, str]]:
    """(central entry offset, local header offset, name) of every member."""
    end = data.rfind(EOCD)
    if end < 0:
        raise ValueError("no end of central directory")
    count = struct.unpack_from("<H", data, end + 10)[0]
    pos = struct.unpack_from("<I", data, end + 16)[0]
    out: list[tuple[int, int, str]] = []
    for _ in range(count):
        if data[pos : pos + 4] != CENTRAL:
            raise ValueError("central directory entry expected")
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        local = struct.unpack_from("<I", data, pos + 42)[0]
        name = data[pos + 46 : pos + 46 + n].decode("utf-8", "replace")
        out.append((pos, local, name))
        pos += 46 + n + m + k
    return out


def _entry(data: bytes, member: str) -> tuple[int, int]:
    for central, local, name in _central_entries(data):
        if name == member or name.endswith("/" + member):
            return central, local
    raise KeyError(member)


def set_flag_bits(data: bytes, member: str, bits: int) -> bytes:
    """Set general-purpose flag bits (0x1 = encrypted) in both headers of one member."""
    out = bytearray(data)
    central, local = _entry(data, member)
    for offset in (local + 6, central + 8):
        struct.pack_into("<H", out, offset, struct.unpack_from("<H", out, offset)[0] | bits)
    return bytes(out)


def rename_local_header(data: bytes, member: str, new_name: str) -> bytes:
    """Give one member's local header another name of the same length (CD unchanged)."""
    out = bytearray(data)
    _central, local = _entry(data, member)
    n = struct.unpack_from("<H", out, local + 26)[0]
    old = bytes(out[local + 30 : local + 30 + n])
    new = new_name.encode()
    if len(new) != len(old):
        raise ValueError("the new name must have the old name's length")
    out[local + 30 : local + 30 + n] = new
    return bytes(out)


def break_crc(data: bytes, member: str) -> bytes:
    """Store a wrong CRC-32 for one member in both headers."""
    out = bytearray(data)
    central, local = _entry(data, member)
    for offset in (local + 14, central + 16):
        struct.pack_into("<I", out, offset, struct.unpack_from("<I", out, offset)[0] ^ 0xDEADBEEF)
    return bytes(out)


def set_method(data: bytes, member: str, method: int) -> bytes:
    """Claim another compression method for one member (e.g. 98 = PPMd, unsupported)."""
    out = bytearray(data)
    central, local = _entry(data, member)
    struct.pack_into("<H", out, local + 8, method)
    struct.pack_into("<H", out, central + 10, method)
    return bytes(out)


# --- tar archives -----------------------------------------------------------------------


def make_tar(
    members: Iterable[tuple[str, bytes]],
    *,
    gz: bool = False,
    links: Iterable[tuple[str, str]] = (),
) -> bytes:
    """A tar (gzipped with `gz`) whose member names are kept exactly as given."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, target in links:  # links first: later members are written through them
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            info.mtime = 1_700_000_000
            archive.addfile(info)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), mtime=0) if gz else buf.getvalue()


# --- protobuf (for TensorFlow SavedModel and ONNX bytes written by hand) ------------------


def varint(value: int) -> bytes:
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def pb_bytes(field: int, data: bytes) -> bytes:
    """A length-delimited field (strings, bytes, sub-messages)."""
    return varint(field << 3 | 2) + varint(len(data)) + data


def pb_str(field: int, text: str) -> bytes:
    return pb_bytes(field, text.encode())


def pb_int(field: int, value: int) -> bytes:
    return varint(field << 3) + varint(value)
