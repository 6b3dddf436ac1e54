"""Read a zip member the way torch (miniz) reads it, not the way `zipfile` does.

`zipfile` refuses a member whose general-purpose flags say "encrypted" (CVE-2025-1945),
whose local header names another file than the central directory (CVE-2025-1944), or
whose CRC-32 is wrong (CVE-2025-10156, raised only at the end of the read). torch's
reader trusts the central directory's offset, method and sizes, skips the local header by
its own lengths, and checks neither flags, names nor CRC: these members load. So the
bytes judged here are the bytes at the central directory's offset, inflated when the
method says so, whatever the flags, the local name and the CRC claim. A member that is
really encrypted is ciphertext: it then fails to parse and is reported as unreadable.

Stored and deflated members (the two methods torch's reader knows) are read here;
anything else (bzip2, lzma: numpy reads them through `zipfile`) goes through `zipfile`.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO, cast

from mlwarden.checks.models.base import Malformed
from mlwarden.checks.models.rawio import Inflater, Window

LOCAL_HEADER = 30


def data_offset(f: IO[bytes], info: zipfile.ZipInfo) -> int:
    """Where the member's data starts: after its local header, by the local lengths."""
    f.seek(info.header_offset)
    local = f.read(LOCAL_HEADER)
    if len(local) != LOCAL_HEADER or local[:4] != b"PK\x03\x04":
        raise Malformed(f"no local header at offset {info.header_offset}")
    names = int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    return info.header_offset + LOCAL_HEADER + names


def local_name(f: IO[bytes], info: zipfile.ZipInfo) -> bytes | None:
    """The file name the local header carries (None if unreadable)."""
    try:
        f.seek(info.header_offset)
        local = f.read(LOCAL_HEADER)
        if len(local) != LOCAL_HEADER or local[:4] != b"PK\x03\x04":
            return None
        return f.read(int.from_bytes(local[26:28], "little"))
    except (OSError, ValueError, OverflowError):
        return None


def open_member(f: IO[bytes], archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """The member's bytes as the loader sees them: a seekable window for a stored member,
    a streaming inflater for a deflated one, `zipfile` for the other methods."""
    if info.compress_type == zipfile.ZIP_STORED:
        start = data_offset(f, info)
        return cast(IO[bytes], Window(f, start, info.file_size))
    if info.compress_type == zipfile.ZIP_DEFLATED:
        start = data_offset(f, info)
        window = cast(IO[bytes], Window(f, start, info.compress_size))
        return io.BufferedReader(Inflater(window, wbits=-zlib.MAX_WBITS, lenient_end=True))
    if info.flag_bits & 0x1:
        raise Malformed(
            f"encrypted member compressed with method {info.compress_type}: no loader can "
            "read it without the password"
        )
    return archive.open(info)
