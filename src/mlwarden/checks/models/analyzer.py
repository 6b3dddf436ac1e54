"""Judge one file, or one member of an archive, by its content: recognise the format from
its first bytes and hand it to the reader that knows it; archives hand their members back
here, so a pickle inside a zip inside a tar.gz is judged like a pickle file.

Nothing is loaded or executed. Streams are read through `BoundedReader` (budgets,
cheap skips); readers that must seek (zip, 7z, HDF5) get the file itself, a window on
it, or a bounded spill of a decompressed stream.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from mlwarden.checks.models import archives, formats, h5, protobuf_models, text, zips
from mlwarden.checks.models.base import BoundedReader, CapExceeded, Caps, Malformed
from mlwarden.checks.models.gguf import judge_gguf
from mlwarden.checks.models.rawio import Inflater, spill
from mlwarden.checks.models.streams import PickleReader
from mlwarden.checks.models.verdicts import FileReport, Recorder, where

SAMPLE = 1024 * 1024  # what a trial parse of unrecognised content may look at
# What libraries raise for input they cannot read: one verdict, "cannot read".
UNREADABLE: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    RuntimeError,
    OverflowError,
    TypeError,
    zipfile.BadZipFile,
    tarfile.TarError,
    struct.error,
    lzma.LZMAError,
    zlib.error,
    RecursionError,
)


def join(parent: str | None, name: str) -> str:
    return f"{parent}!{name}" if parent else name


class Analyzer:
    """Analyses one file; a new instance per file keeps state out of module globals."""

    def __init__(self, caps: Caps, allow: Iterable[str], *, strict_name: bool) -> None:
        self.caps = caps
        self.allow = tuple(allow)
        self.strict_name = strict_name  # the file's name promises a model
        self.out = Recorder(self.allow, strict_name=strict_name)
        self.report: FileReport = self.out.report
        self.pickles = PickleReader(self)

    # --- entry points ------------------------------------------------------------------

    def analyse(self, f: IO[bytes], size: int) -> FileReport:
        if size == 0:
            if self.strict_name:
                self.report.errors.append("empty file; not a model")
            return self.report
        reader = BoundedReader(f, size + 1, seekable=True)
        self.judge(reader, f, size, None, 0, strict=self.strict_name)
        return self.report

    def judge_bytes(self, data: bytes, label: str, depth: int, *, strict: bool = True) -> None:
        raw = io.BytesIO(data)
        reader = BoundedReader(raw, len(data) + 1, seekable=True)
        self.judge(reader, raw, len(data), label, depth, strict=strict)

    def judge_member(
        self, raw: IO[bytes], size: int | None, label: str, depth: int, *, seekable: bool
    ) -> None:
        """An archive member: `raw` is its content (seekable or a stream)."""
        budget = (size + 1) if seekable and size is not None else self.caps.max_bytes
        reader = BoundedReader(raw, budget, seekable=seekable)
        strict = formats.promises_model(label.rsplit("!", 1)[-1])
        self.judge(reader, raw if seekable else None, size, label, depth, strict=strict)

    def judge(
        self,
        reader: BoundedReader,
        raw: IO[bytes] | None,
        size: int | None,
        label: str | None,
        depth: int,
        *,
        strict: bool,
    ) -> None:
        """Judge one blob; what cannot be read the way its loader reads it is reported."""
        if depth > self.caps.max_nesting:
            self.incomplete(label, f"containers nested more than {self.caps.max_nesting} deep")
            return
        kind: str | None = None
        try:
            head = reader.read(formats.HEAD)
            reader.unread(head)
            if not head:
                if strict:
                    self.error(label, "empty; not a model")
                return
            kind = formats.sniff(head)
            self._dispatch(kind, reader, raw, size, label, depth, strict)
        except CapExceeded as exc:
            self.incomplete(label, str(exc))
        except Malformed as exc:
            if strict or kind in formats.STRONG_MAGIC:
                detail = str(exc)
                named = kind is None or kind in ("npy", "pickle") or kind in detail.lower()
                self.error(label, detail if named else f"unreadable {kind}: {detail}")
        except UNREADABLE as exc:
            if strict or kind in formats.STRONG_MAGIC or kind is None:
                self.error(label, f"cannot read{_kind(kind)}: {type(exc).__name__}: {exc}")

    def _dispatch(
        self,
        kind: str | None,
        reader: BoundedReader,
        raw: IO[bytes] | None,
        size: int | None,
        label: str | None,
        depth: int,
        strict: bool,
    ) -> None:
        if kind == "zip":
            with self.random_access(reader, raw) as f:
                zips.judge_zip(self, f, label, depth)
        elif kind == "tar":
            archives.judge_tar(self, reader, raw, label, depth)
        elif kind == "7z":
            with self.random_access(reader, raw) as f:
                archives.judge_7z(self, f, label, depth)
        elif kind == "hdf5":
            with self.random_access(reader, raw) as f:
                h5.judge_hdf5(self, f, label, depth)
        elif kind == "gguf":
            judge_gguf(self, reader, label)
        elif kind in formats.COMPRESSIONS:
            self._compressed(reader, str(kind), label, depth, strict=strict)
        elif kind == "npy":
            if formats.npy_has_objects(reader):
                self.pickles.read(reader, label, depth, strict=True, fmt="numpy object array")
        elif kind == "pickle":
            self.pickles.read(reader, label, depth, strict=strict, fmt="pickle")
        elif kind == "safetensors":
            self.out.safetensors(reader, size, label, strict=strict)
        elif kind != "lfs-pointer":
            self._unrecognised(reader, size, label, depth, strict=strict)

    def _unrecognised(
        self,
        reader: BoundedReader,
        size: int | None,
        label: str | None,
        depth: int,
        *,
        strict: bool,
    ) -> None:
        """No magic number: a protobuf model, a pickle without a PROTO header (protocols
        0-1, or a stripped one), a text config or template, or nothing of ours."""
        sample = reader.peek(SAMPLE)
        if protobuf_models.judge_protobuf(self, reader, sample, size, label, strict=strict):
            return
        if self.pickles.trial(sample, complete=len(sample) < SAMPLE, strict=strict):
            self.pickles.read(reader, label, depth, strict=strict, fmt="pickle", headerless=True)
            return
        if formats.looks_text(sample[:4096]) and text.judge_text(self, reader, label, depth):
            return
        if strict:
            what = "text" if formats.looks_text(sample[:4096]) else "binary data"
            self.error(label, f"not a model format this hook recognises ({what})")

    # --- compressed streams ----------------------------------------------------------------

    def _compressed(
        self, reader: BoundedReader, kind: str, label: str | None, depth: int, *, strict: bool
    ) -> None:
        # The decompressors only call read() on their source; no need to close them
        # (the source is closed by whoever opened it).
        source: Any = reader
        opened: Any
        if kind == "gzip":
            opened = gzip.GzipFile(fileobj=source, mode="rb")
        elif kind == "bz2":
            opened = bz2.BZ2File(source)
        elif kind in ("xz", "lzma"):
            opened = lzma.LZMAFile(source)  # noqa: SIM115
        elif kind == "lz4":
            import lz4.frame  # type: ignore[import-untyped]  # joblib's compress="lz4"

            opened = lz4.frame.LZ4FrameFile(source, mode="rb")
        else:
            opened = io.BufferedReader(Inflater(source))
        # read1: a truncated stream still yields what decompresses before the cut.
        inner = BoundedReader(_FirstRead(opened), self.caps.max_bytes)
        try:
            head = inner.read(formats.HEAD)
        except Malformed as exc:
            # Nothing decompresses, so no loader gets a byte of it either: reported only
            # when the name promises a model.
            if strict:
                self.error(label, f"{kind} stream that cannot be decompressed: {exc}")
            return
        inner.unread(head)
        before = len(self.report.pickle_formats)
        self.judge(inner, None, None, label, depth + 1, strict=strict)
        for i in range(before, len(self.report.pickle_formats)):
            self.report.pickle_formats[i] = f"{kind}-compressed {self.report.pickle_formats[i]}"

    # --- helpers for the format readers -----------------------------------------------------

    @contextlib.contextmanager
    def random_access(self, reader: BoundedReader, raw: IO[bytes] | None) -> Iterator[IO[bytes]]:
        """A seekable file for readers that need one: the blob itself, or a bounded spill
        of a stream (closed afterwards)."""
        if raw is not None:
            yield raw
            return
        spilled = spill(reader, self.caps.max_bytes)
        try:
            yield spilled
        finally:
            spilled.close()

    def nested_hook(self, label: str | None, depth: int) -> Callable[[bytes], None]:
        """What a nested loader (`pickle.loads`, `_load_from_bytes`) is judged by."""

        def judge(data: bytes) -> None:
            self.judge_bytes(data, join(label, "(embedded bytes)"), depth + 1)

        return judge

    def error(self, label: str | None, message: str) -> None:
        """An unreadable blob: "what: detail" becomes "what in member `x`: detail"."""
        what, sep, detail = message.partition(": ")
        self.report.errors.append(f"{what}{where(label)}{sep}{detail}")

    def incomplete(self, label: str | None, why: str) -> None:
        self.out.incomplete(label, why)


class _FirstRead:
    """`read(n)` as one `read1(n)`: a buffered decompressor's `read(n)` loops to fill
    `n` and loses what it had when the stream breaks; `read1` hands it over first."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._stream.read1(n)
        return data


def _kind(kind: str | None) -> str:
    return f" {kind}" if kind else ""
