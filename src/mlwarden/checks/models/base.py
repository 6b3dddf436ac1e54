"""What the analysers share: caps, observations, and the bounded reader.

Every byte the models hook looks at goes through `BoundedReader`, which counts what it
hands out (decompressed bytes for compressed streams), refuses lines without an end,
and skips large payloads (tensor data, array bytes) without keeping them in memory.
"""

from __future__ import annotations

import io
import lzma
import os
import zlib
from dataclasses import dataclass
from typing import IO, Protocol

# pickletools' newline-terminated readers call readline() with no limit; a GLOBAL
# opcode followed by a gigabyte without a newline must not be read into memory.
MAX_LINE = 64 * 1024
SKIP_CHUNK = 1024 * 1024


class Malformed(Exception):
    """The stream is not what its head promised (truncated, corrupt)."""


class CapExceeded(Exception):
    """A work limit was hit; the rest of the stream is not analysed."""


class Incomplete(Exception):
    """The analyser cannot follow the format any further (e.g. unknown array dtype)."""


@dataclass(frozen=True)
class Caps:
    max_bytes: int
    max_opcodes: int
    max_nesting: int
    max_members: int = 100_000
    max_in_memory: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class Observation:
    """One result of analysing one file, before it becomes a `Finding`.

    `subject` identifies it inside the file (the global's name, the layer) and feeds
    the fingerprint.
    """

    rule_id: str
    member: str | None
    subject: str
    message: str


class RawStream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class BoundedReader:
    """A read-only view of a stream with a byte budget and cheap skipping."""

    def __init__(
        self, raw: IO[bytes] | RawStream, max_bytes: int, *, seekable: bool = False
    ) -> None:
        self._raw = raw
        self._max = max_bytes
        self._seekable = seekable
        self._pending = b""
        self.consumed = 0

    def _charge(self, n: int) -> None:
        self.consumed += n
        if self.consumed > self._max:
            raise CapExceeded(f"more than {self._max // (1024 * 1024)} MB to decompress or read")

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            raise ValueError("unbounded read refused")
        data = b""
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            n -= len(data)
        if n:
            data += self._raw_read(n)
        self._charge(len(data))
        return data

    def _raw_read(self, n: int) -> bytes:
        # Decompressors signal corrupt input with a zoo of exceptions; one name here.
        try:
            return self._raw.read(n)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            raise Malformed(f"cannot read: {exc}") from None

    def unread(self, data: bytes) -> None:
        """Push back a sniffed head so the next reader sees the stream from its start."""
        self._pending = data + self._pending
        self.consumed -= len(data)

    def read_exact(self, n: int) -> bytes:
        data = self.read(n)
        if len(data) != n:
            raise Malformed(f"truncated: wanted {n} bytes, got {len(data)}")
        return data

    def readline(self, limit: int = -1) -> bytes:
        limit = MAX_LINE if limit < 0 else min(limit, MAX_LINE)
        out = b""
        if self._pending:
            end = self._pending.find(b"\n", 0, limit)
            cut = end + 1 if end >= 0 else limit
            out, self._pending = self._pending[:cut], self._pending[cut:]
        if len(out) < limit and not out.endswith(b"\n"):
            raw_readline = getattr(self._raw, "readline", None)
            if raw_readline is not None:
                try:
                    out += raw_readline(limit - len(out))
                except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
                    raise Malformed(f"cannot read: {exc}") from None
            else:
                while len(out) < limit and not out.endswith(b"\n"):
                    byte = self._raw_read(1)
                    if not byte:
                        break
                    out += byte
        self._charge(len(out))
        if not out.endswith(b"\n") and len(out) >= MAX_LINE:
            raise Malformed("line without end")
        return bytes(out)

    def skip(self, n: int) -> None:
        if n <= 0:
            return
        if self._seekable and not self._pending:
            raw = self._raw
            assert isinstance(raw, io.IOBase)
            here = raw.tell()
            end = raw.seek(0, os.SEEK_END)
            if here + n > end:
                raise Malformed(f"truncated: {n} bytes of data announced, {end - here} left")
            raw.seek(here + n)
            return
        while n > 0:
            chunk = self.read(min(n, SKIP_CHUNK))
            if not chunk:
                raise Malformed("truncated: data announced but missing")
            n -= len(chunk)


class ZlibReader(io.RawIOBase):
    """A streaming zlib decompressor (joblib's `compress='zlib'`): the stdlib has none."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._z = zlib.decompressobj()
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
                raise Malformed("truncated zlib stream")
            try:
                self._buf = self._z.decompress(data, 1024 * 1024)
            except zlib.error as exc:
                raise Malformed(f"corrupt zlib stream: {exc}") from None
        n = min(len(buffer), len(self._buf))
        buffer[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n
