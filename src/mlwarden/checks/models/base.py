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

from mlwarden.core.findings import Severity

# pickletools' newline-terminated readers call readline() with no limit; a GLOBAL
# opcode followed by a gigabyte without a newline must not be read into memory.
MAX_LINE = 64 * 1024
SKIP_CHUNK = 1024 * 1024
# Bytes inside a pickle that look like a nested pickle or zip are kept for the nested
# loader's verdict: one blob up to MAX_EMBEDDED, all of a file's up to KEEP_BUDGET.
MAX_EMBEDDED = 64 * 1024 * 1024
KEEP_BUDGET = 256 * 1024 * 1024


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
    severity: Severity | None = None  # None: the rule's own


class RawStream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class BoundedReader:
    """A buffered, read-only view of a stream with a byte budget and cheap skipping.

    Opcodes are read one byte at a time, so reads are served from an internal buffer
    that grows from 4 KB (a zip member's sniffed head costs little) to 1 MB. The budget
    counts bytes pulled from the stream (decompressed bytes, for a compressed one).
    """

    def __init__(
        self, raw: IO[bytes] | RawStream, max_bytes: int, *, seekable: bool = False
    ) -> None:
        self._raw = raw
        self._max = max_bytes
        self._seekable = seekable
        self._buf = b""
        self._pos = 0
        self._base = 0  # stream offset of _buf[0]
        self._chunk = 4096
        self._keep_left = KEEP_BUDGET

    def keep(self, n: int) -> bool:
        """Whether `n` more embedded bytes may be kept in memory (and count them)."""
        if n > MAX_EMBEDDED or n > self._keep_left:
            return False
        self._keep_left -= n
        return True

    @property
    def consumed(self) -> int:
        return self._base + self._pos

    def _fill(self, wanted: int) -> bool:
        """Append at least `wanted` more bytes to the buffer if the stream has them."""
        size = max(wanted, self._chunk)
        self._chunk = min(self._chunk * 2, SKIP_CHUNK)
        try:
            data = self._raw.read(size)
        except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
            # Decompressors signal corrupt input with a zoo of exceptions; one name here.
            raise Malformed(f"cannot read: {exc}") from None
        self._base += self._pos
        self._buf, self._pos = self._buf[self._pos :] + data, 0
        if self._base + len(self._buf) > self._max:
            raise CapExceeded(f"more than {self._max // (1024 * 1024)} MB to decompress or read")
        return bool(data)

    def read(self, n: int = -1) -> bytes:
        pos = self._pos
        end = pos + n
        if n < 0 or end > len(self._buf):
            return self._read_slow(n)
        self._pos = end
        return self._buf[pos:end]

    def _read_slow(self, n: int) -> bytes:
        if n < 0:
            raise ValueError("unbounded read refused")
        while len(self._buf) - self._pos < n and self._fill(n - (len(self._buf) - self._pos)):
            pass
        pos = self._pos
        self._pos = min(pos + n, len(self._buf))
        return self._buf[pos : self._pos]

    def peek(self, n: int) -> bytes:
        """Up to `n` bytes from here on, without consuming them."""
        while len(self._buf) - self._pos < n and self._fill(n - (len(self._buf) - self._pos)):
            pass
        return self._buf[self._pos : self._pos + n]

    def unread(self, data: bytes) -> None:
        """Push back a sniffed head so the next reader sees the stream from its start."""
        self._base += self._pos - len(data)
        self._buf, self._pos = data + self._buf[self._pos :], 0

    def read_exact(self, n: int) -> bytes:
        data = self.read(n)
        if len(data) != n:
            raise Malformed(f"truncated: wanted {n} bytes, got {len(data)}")
        return data

    def readline(self, limit: int = -1) -> bytes:
        limit = MAX_LINE if limit < 0 else min(limit, MAX_LINE)
        out = b""
        while True:
            buf, pos = self._buf, self._pos
            stop = pos + limit - len(out)
            end = buf.find(b"\n", pos, stop)
            if end >= 0:
                out += buf[pos : end + 1]
                self._pos = end + 1
                break
            piece = buf[pos:stop]
            out += piece
            self._pos = pos + len(piece)
            if len(out) >= limit or not self._fill(1):
                break
        if not out.endswith(b"\n") and len(out) >= MAX_LINE:
            raise Malformed("line without end")
        return out

    def skip(self, n: int) -> None:
        if n <= 0:
            return
        buffered = len(self._buf) - self._pos
        if n <= buffered:
            self._pos += n
            return
        if self._seekable:
            raw = self._raw
            assert isinstance(raw, io.IOBase)
            n -= buffered
            here = raw.tell()
            end = raw.seek(0, os.SEEK_END)
            if here + n > end:
                raise Malformed(f"truncated: {n} bytes of data announced, {end - here} left")
            raw.seek(here + n)
            self._base, self._buf, self._pos = here + n, b"", 0
            return
        while n > 0:
            chunk = self.read(min(n, SKIP_CHUNK))
            if not chunk:
                raise Malformed("truncated: data announced but missing")
            n -= len(chunk)
