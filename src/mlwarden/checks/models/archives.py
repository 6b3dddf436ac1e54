"""Tar (plain or compressed: SageMaker's `model.tar.gz`, torch's legacy tar format) and
7z archives (py7zr): every member judged by content, every name and link that leaves
the extraction folder reported.

Tar members are streamed (a tar.gz is never unpacked to disk); 7z members are
decompressed by py7zr into bounded spill files, then judged. A 7z whose content (or file
list) is encrypted cannot be judged and is reported.
"""

from __future__ import annotations

import tarfile
import tempfile
from typing import IO, TYPE_CHECKING, Any

from mlwarden.checks.models import legacy_torch, paths
from mlwarden.checks.models.base import BoundedReader, CapExceeded

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

LEGACY_SECTIONS = ("storages", "tensors")


def _escape(an: Analyzer, label: str | None, name: str, reason: str, *, link: bool) -> None:
    from mlwarden.checks.models.analyzer import join

    what = "is a link that leaves" if link else "leaves"
    an.out.add(
        "MOD008",
        join(label, name),
        f"{'link' if link else 'escape'}:{name}",
        f"archive member `{name}` {what} the extraction folder: {reason}; extracting the "
        "archive writes outside it. Rebuild the archive from a clean folder",
    )


def judge_tar(
    an: Analyzer, reader: BoundedReader, raw: IO[bytes] | None, label: str | None, depth: int
) -> None:
    from mlwarden.checks.models.analyzer import join

    if raw is not None:
        raw.seek(0)
        archive = tarfile.open(fileobj=raw, mode="r:")  # noqa: SIM115
    else:
        archive = tarfile.open(fileobj=reader, mode="r|")  # type: ignore[call-overload]  # noqa: SIM115
    before = len(an.report.pickle_formats)
    names: set[str] = set()
    with archive:
        for count, member in enumerate(archive):
            if count >= an.caps.max_members:
                an.incomplete(label, f"more than {an.caps.max_members} tar members")
                break
            name = member.name
            names.add(name.rsplit("/", 1)[-1])
            reason = paths.escapes(name)
            if reason is not None:
                _escape(an, label, name, reason, link=False)
            if member.issym() or member.islnk():
                why = paths.link_escapes(name, member.linkname, hard=member.islnk())
                if why is not None:
                    _escape(an, label, name, why, link=True)
                continue
            if not member.isfile():
                continue
            content = archive.extractfile(member)
            if content is None:
                continue
            mlabel = join(label, name)
            if name.rsplit("/", 1)[-1] in LEGACY_SECTIONS:
                # torch's legacy tar: pickles interleaved with raw storage bytes.
                section = BoundedReader(content, an.caps.max_bytes)
                legacy_torch.judge_section(an, section, name.rsplit("/", 1)[-1], mlabel, depth)
            else:
                an.judge_member(content, member.size, mlabel, depth + 1, seekable=raw is not None)
    legacy = {"sys_info", "pickle", "storages"} <= names
    formats = an.report.pickle_formats
    for i in range(before, len(formats)):
        if formats[i] == "pickle":
            formats[i] = "legacy torch tar checkpoint" if legacy else "pickle inside a tar archive"


class _Spill:
    """One 7z member, written by py7zr into a bounded spill file."""

    def __init__(self, name: str, budget: list[int]) -> None:
        self.name = name
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        self.budget = budget  # shared by all members: [bytes left]
        self.over = False

    def write(self, data: bytes | bytearray) -> int:
        if len(data) > self.budget[0]:
            self.over = True
        elif not self.over:
            self.budget[0] -= len(data)
            self.file.write(data)
        return len(data)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """py7zr's end-of-member hook: the spill is judged after the extraction."""

    def size(self) -> int:
        return self.file.tell()


def judge_7z(an: Analyzer, f: IO[bytes], label: str | None, depth: int) -> None:
    import py7zr
    from py7zr.io import Py7zIO, WriterFactory

    from mlwarden.checks.models.analyzer import join

    f.seek(0)
    spills: list[_Spill] = []
    budget = [an.caps.max_bytes]

    class Factory(WriterFactory):
        def create(self, filename: str) -> Py7zIO:
            spill = _Spill(filename, budget)
            spills.append(spill)
            return spill  # type: ignore[return-value]  # py7zr duck-types its writers

    links: set[str] = set()
    try:
        links = _extract(an, py7zr.SevenZipFile(f, mode="r"), Factory(), label)
    except py7zr.exceptions.PasswordRequired:
        an.error(label, "encrypted 7z (its file list too): nothing in it can be judged")
    except py7zr.exceptions.ArchiveError as exc:
        an.error(label, f"cannot read 7z: {type(exc).__name__}: {exc}")
    try:
        for spill in spills:
            mlabel = join(label, spill.name)
            if spill.over:
                an.incomplete(
                    mlabel, f"more than {an.caps.max_bytes // (1024 * 1024)} MB to unpack"
                )
                continue
            if spill.name in links:
                spill.file.seek(0)
                target = spill.file.read(4096).decode("utf-8", "replace")
                why = paths.link_escapes(spill.name, target, hard=False)
                if why is not None:
                    _escape(an, label, spill.name, why, link=True)
                continue
            size = spill.file.tell()
            spill.file.seek(0)
            an.judge_member(spill.file, size, mlabel, depth + 1, seekable=True)
    finally:
        for spill in spills:
            spill.file.close()


def _extract(an: Analyzer, archive: Any, factory: Any, label: str | None) -> set[str]:
    """List the archive, report escaping names, let py7zr decompress the rest into the
    factory's spills; returns the names that are symlinks."""
    with archive:
        infos = archive.list()
        if len(infos) > an.caps.max_members:
            raise CapExceeded(f"more than {an.caps.max_members} 7z members")
        targets: list[str] = []
        links: set[str] = set()
        for info in infos:
            reason = paths.escapes(info.filename)
            if reason is not None:
                _escape(an, label, info.filename, reason, link=False)
            elif not info.is_directory:
                targets.append(info.filename)
                if info.is_symlink:
                    links.add(info.filename)
        if archive.needs_password():
            an.error(label, "encrypted 7z: its members cannot be judged without the password")
            return links
        if targets:
            archive.extract(targets=targets, factory=factory)
    return links
