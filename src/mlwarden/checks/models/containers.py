"""Find every pickle stream in a file, whatever wraps it, and turn what the opcode
reader saw into observations.

Containers: raw pickles (several in sequence, as legacy torch files have), zip archives
(torch checkpoints with any archive folder, .npz, .keras, zips inside zips), .npy with
object dtype, joblib files (handled by the opcode reader) and gzip/bz2/xz/lzma/zlib
wrappers. Only the bytes needed are read: zip members are sniffed by their first bytes,
tensor data is never read.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from mlwarden.checks.models import formats
from mlwarden.checks.models.base import (
    BoundedReader,
    CapExceeded,
    Caps,
    Malformed,
    ZlibReader,
)
from mlwarden.checks.models.pickle_analysis import analyse_pickle
from mlwarden.checks.models.verdicts import FileReport, Recorder, where

MAX_KERAS_CONFIG = 32 * 1024 * 1024


_MEMBER_STREAMS = ("pickle", "npy", "zip", *formats.COMPRESSIONS)


def _stored_head(f: IO[bytes], info: zipfile.ZipInfo) -> bytes | None:
    """The first bytes of a stored member, read past its local header; None if odd
    (zipfile then opens it and reports what is wrong)."""
    try:
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            return None
        names = int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        f.seek(names, os.SEEK_CUR)
        return f.read(min(formats.HEAD, info.file_size))
    except (OSError, ValueError, OverflowError):
        return None


def _join(parent: str | None, name: str) -> str:
    return f"{parent}!{name}" if parent else name


class Analyzer:
    """Analyses one file; a new instance per file keeps state out of module globals."""

    def __init__(self, caps: Caps, allow: Iterable[str], *, strict_name: bool) -> None:
        self.caps = caps
        self.allow = tuple(allow)
        self.strict_name = strict_name  # the file's extension promises a model
        self.out = Recorder(self.allow, strict_name=strict_name)
        self.report = self.out.report

    # --- entry point -----------------------------------------------------------------

    def analyse(self, f: IO[bytes], size: int) -> FileReport:
        head = f.read(formats.HEAD)
        f.seek(0)
        kind = formats.sniff(head)
        if size == 0:
            if self.strict_name:
                self.report.errors.append("empty file; not a model")
            return self.report
        try:
            if kind == "zip":
                self._zip(f, None, 0, strict=True)
            elif kind == "safetensors":
                self.out.safetensors(f, size)
            elif kind == "pickle0":
                self._pickle0(f, size)
            elif kind in ("pickle", "npy", *formats.COMPRESSIONS):
                reader = BoundedReader(f, size + 1, seekable=True)
                # A PROTO byte alone is weak evidence: parse errors only count for files
                # named like models (compressed or .npy headers are strong evidence).
                strict = self.strict_name or kind != "pickle"
                self._stream(reader, kind, None, 0, strict=strict)
            elif kind == "lz4" and self.strict_name:
                self.out.incomplete(None, "lz4-compressed: no decompressor in the standard library")
            elif kind is None and self.strict_name:
                what = "text" if b"\0" not in head else "binary data"
                self.report.errors.append(f"not a model format this hook recognises ({what})")
        except CapExceeded as exc:
            self.out.incomplete(None, str(exc))
        except Malformed as exc:
            # A corrupt .gz (or bytes that merely start like zlib) is none of our business
            # unless the name promised a model or a pickle was already seen inside it.
            if self.strict_name or kind not in formats.COMPRESSIONS or self.report.pickle_formats:
                self.report.errors.append(str(exc))
        return self.report

    # --- streams -----------------------------------------------------------------------

    def _stream(
        self,
        reader: BoundedReader,
        kind: str,
        member: str | None,
        depth: int,
        *,
        strict: bool,
        fmt: str | None = None,
    ) -> None:
        if kind == "pickle":
            self._pickles(reader, member, strict=strict, fmt=fmt or "pickle")
        elif kind == "npy":
            if formats.npy_has_objects(reader):
                self._pickles(reader, member, strict=True, fmt="numpy array of Python objects")
        elif kind in formats.COMPRESSIONS:
            self._compressed(reader, kind, member, depth, strict=strict)

    def _compressed(
        self, reader: BoundedReader, kind: str, member: str | None, depth: int, *, strict: bool
    ) -> None:
        if depth + 1 > self.caps.max_nesting:
            self.out.incomplete(
                member, f"compressed streams nested more than {self.caps.max_nesting} deep"
            )
            return
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
        else:
            opened = io.BufferedReader(ZlibReader(source))
        inner = BoundedReader(opened, self.caps.max_bytes)
        head = inner.read(formats.HEAD)
        inner.unread(head)
        inner_kind = formats.sniff(head)
        if inner_kind in ("pickle", "npy", *formats.COMPRESSIONS):
            fmt = f"{kind}-compressed pickle"
            self._stream(inner, str(inner_kind), member, depth + 1, strict=True, fmt=fmt)
        elif inner_kind == "pickle0":
            self._pickles(inner, member, strict=strict, fmt=f"{kind}-compressed pickle")

    def _pickle0(self, f: IO[bytes], size: int) -> None:
        """Protocol 0/1 pickles have no header: believe it only if it ends with STOP."""
        f.seek(max(0, size - 1))
        tail = f.read(1)
        f.seek(0)
        if tail != b".":
            if self.strict_name:
                self.report.errors.append("not a model format this hook recognises (text)")
            return
        self._pickles(
            BoundedReader(f, size + 1, seekable=True), None, strict=self.strict_name, fmt="pickle"
        )

    def _pickles(
        self, reader: BoundedReader, member: str | None, *, strict: bool, fmt: str
    ) -> None:
        """One pickle, or several in a row (legacy torch files hold five)."""
        count = 0
        legacy = False
        while True:
            result = analyse_pickle(reader, self.caps)
            found = bool(result.globals or result.unresolved or result.extensions)
            if count == 0 and (result.problem is None or found or strict):
                if result.value == formats.LEGACY_TORCH_MAGIC:
                    legacy, fmt = True, "legacy torch checkpoint"
                elif result.joblib_arrays:
                    fmt = fmt.replace("pickle", "joblib file")
                self.report.pickle_formats.append(fmt)
            self.out.pickle_globals(result.globals, result.unresolved, result.extensions, member)
            if result.problem is not None:
                if result.problem_kind == "malformed":
                    if count == 0 and strict:
                        self.report.errors.append(
                            f"malformed pickle{where(member)}: {result.problem}"
                        )
                else:
                    self.out.incomplete(member, result.problem)
                return
            count += 1
            if legacy and count == 5:  # then come raw storages, not pickles
                return
            follow = reader.read(2)
            reader.unread(follow)
            if not legacy and not (len(follow) == 2 and follow[0] == 0x80 and follow[1] <= 5):
                return
            strict = False  # trailing data that merely looks like a pickle is no error

    # --- zip archives ----------------------------------------------------------------------

    def _zip(self, f: IO[bytes], member: str | None, depth: int, *, strict: bool) -> None:
        try:
            archive = zipfile.ZipFile(f)
            infos = archive.infolist()
        except (
            zipfile.BadZipFile,
            OSError,
            EOFError,
            ValueError,
            OverflowError,
            RuntimeError,
        ) as exc:
            # zipfile reports a corrupt central directory with any of these.
            if strict and (self.strict_name or member):
                self.report.errors.append(f"truncated or corrupt zip{where(member)}: {exc}")
            return
        if len(infos) > self.caps.max_members:
            self.out.incomplete(member, f"more than {self.caps.max_members} zip members")
            infos = infos[: self.caps.max_members]
        names = {info.filename for info in infos}
        is_keras = "config.json" in names and (
            "metadata.json" in names or any(n.endswith(".weights.h5") for n in names)
        )
        is_torch = any(n == "data.pkl" or n.endswith("/data.pkl") for n in names)
        for info in infos:
            if not info.filename or info.filename.endswith("/"):  # a folder (or a corrupt name)
                continue
            label = _join(member, info.filename)
            try:
                if is_keras and info.filename == "config.json":
                    self._keras(archive, info, label)
                else:
                    self._zip_member(f, archive, info, label, depth, is_torch)
            except CapExceeded as exc:
                self.out.incomplete(label, str(exc))
            except Malformed as exc:
                self.report.errors.append(f"member `{label}`: {exc}")
            except (
                zipfile.BadZipFile,
                RuntimeError,  # also NotImplementedError: unknown compression or version
                OSError,
                EOFError,
                ValueError,  # also UnicodeDecodeError: a member name or offset is corrupt
                OverflowError,
            ) as exc:
                self.report.errors.append(f"member `{label}`: cannot read: {exc}")

    def _zip_member(
        self,
        f: IO[bytes],
        archive: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        label: str,
        depth: int,
        is_torch: bool,
    ) -> None:
        lower = info.filename.lower()
        named = lower.endswith((".pkl", ".pickle"))
        if not named and not lower.endswith(".npy") and info.compress_type == zipfile.ZIP_STORED:
            # Tensor storages are stored uncompressed: peek at their first bytes without
            # zipfile's per-member machinery, and leave the ones that hold no stream.
            head = _stored_head(f, info)
            if head is not None and formats.sniff(head) not in _MEMBER_STREAMS:
                return
        with archive.open(info) as raw:
            reader = BoundedReader(raw, self.caps.max_bytes)
            head = reader.read(formats.HEAD)
            reader.unread(head)
            kind = formats.sniff(head)
            if lower.endswith(".npy") or kind == "npy":
                self._stream(reader, "npy", label, depth, strict=True)
            elif named or kind == "pickle":
                fmt = "torch zip checkpoint" if is_torch else "pickle inside a zip archive"
                self._pickles(reader, label, strict=named, fmt=fmt)
            elif kind == "zip":
                if depth + 1 > self.caps.max_nesting:
                    self.out.incomplete(
                        label, f"zip archives nested more than {self.caps.max_nesting} deep"
                    )
                elif info.file_size > self.caps.max_in_memory:
                    self.out.incomplete(
                        label, f"nested zip of {info.file_size} bytes is too big to open"
                    )
                else:
                    data = reader.read_exact(info.file_size)
                    self._zip(io.BytesIO(data), label, depth + 1, strict=True)
            elif kind in formats.COMPRESSIONS:
                self._compressed(reader, str(kind), label, depth, strict=False)

    def _keras(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> None:
        if info.file_size > MAX_KERAS_CONFIG:
            self.out.incomplete(label, f"config.json of {info.file_size} bytes is too big")
            return
        with archive.open(info) as raw:
            config = formats.load_json(BoundedReader(raw, MAX_KERAS_CONFIG).read(MAX_KERAS_CONFIG))
        self.out.keras_config(config, label)
