"""File-like adapters the readers need: a streaming zlib decompressor, a seekable window
on part of a file, and a bounded spill of a stream for readers that must seek."""

from __future__ import annotations

import io
import os
import tempfile
import zlib
from typing import IO

from mlwarden.checks.models.base import SKIP_CHUNK, BoundedReader, CapExceeded, Malformed


class Inflater(io.RawIOBase):
    """A streaming zlib/deflate decompressor: the stdlib has none that reads from a
    stream in bounded steps. `wbits` picks the framing (zlib header for joblib's
    `compress='zlib'`, raw deflate for a zip member). `lenient_end` keeps what a deflate
    stream that stops early gave: torch's zip reader hands a truncated member's bytes to
    the unpickler, so those bytes are what is judged; a joblib stream that stops early is
    one joblib refuses, so it is malformed."""

    def __init__(
        self, raw: IO[bytes], *, wbits: int = zlib.MAX_WBITS, lenient_end: bool = False
    ) -> None:
        self._raw = raw
        self._z = zlib.decompressobj(wbits)
        self._lenient_end = lenient_end
        self._what = "deflate data" if wbits < 0 else "zlib stream"
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            if self._z.eof:
                return 0
            # Feed back what a bounded decompress() left over before reading more.
            data = self._z.unconsumed_tail or self._raw.read(64 * 1024)
            if not data:
                self._buf = self._z.flush() if self._lenient_end else b""
                if not self._buf:
                    raise Malformed(f"truncated {self._what}")
                break
            try:
                self._buf = self._z.decompress(data, 1024 * 1024)
            except zlib.error as exc:
                raise Malformed(f"corrupt {self._what}: {exc}") from None
        n = min(len(buffer), len(self._buf))
        buffer[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


class Window(io.RawIOBase):
    """A seekable read-only view of `length` bytes of `f` from `start`: a stored zip
    member, judged in place without copying it (tensor data is never read)."""

    def __init__(self, f: IO[bytes], start: int, length: int) -> None:
        self._f = f
        self._start = start
        self._length = length
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._length - self._pos)
        if n <= 0:
            return 0
        self._f.seek(self._start + self._pos)
        data = self._f.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


def spill(reader: BoundedReader, limit: int) -> IO[bytes]:
    """The rest of a stream as a seekable file (memory up to 64 MB, then a temporary
    file), for readers that need to seek: zipfile, py7zr, h5py. `limit` bounds it."""
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115
    total = 0
    while True:
        chunk = reader.read(SKIP_CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            out.close()
            raise CapExceeded(f"more than {limit // (1024 * 1024)} MB to unpack")
        out.write(chunk)
    out.seek(0)
    return out
