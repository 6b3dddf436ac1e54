"""Zip archives: torch checkpoints (any folder, any file name), .npz, .keras, zips in zips.

The central directory is read with `zipfile`; member bytes are read the way torch's
loader reads them (`zipread`), and every member is judged by its content. Member names
and symlink entries that leave the extraction folder are reported on their own.
"""

from __future__ import annotations

import json
import stat
import zipfile
from typing import IO, TYPE_CHECKING

from mlwarden.checks.models import keras, paths, zipread
from mlwarden.checks.models.base import CapExceeded, Malformed
from mlwarden.checks.models.rawio import Window
from mlwarden.checks.models.verdicts import where

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

MAX_KERAS_CONFIG = 32 * 1024 * 1024
MAX_LINK = 4096


def judge_zip(an: Analyzer, f: IO[bytes], label: str | None, depth: int) -> None:
    from mlwarden.checks.models.analyzer import UNREADABLE

    try:
        archive = zipfile.ZipFile(f)
        infos = archive.infolist()
    except UNREADABLE as exc:
        # zipfile reports a corrupt central directory with any of these; torch and numpy
        # read the same directory, so they cannot load it either: fail closed.
        an.error(label, f"truncated or corrupt zip: {exc}")
        return
    if len(infos) > an.caps.max_members:
        an.incomplete(label, f"more than {an.caps.max_members} zip members")
        infos = infos[: an.caps.max_members]
    before = len(an.report.pickle_formats)
    names = {info.filename for info in infos}
    keras_config = _keras_config(an, f, archive, infos, label, depth)
    with an.out.trusting(_TORCHSCRIPT if _is_torchscript(names) else ()):
        _members(an, f, archive, infos, keras_config, label, depth)
    _torch_package(an, names, label)
    torch = any(n == "data.pkl" or n.endswith("/data.pkl") for n in names)
    formats = an.report.pickle_formats
    script = _is_torchscript(names)
    for i in range(before, len(formats)):
        if formats[i] == "pickle":
            formats[i] = (
                "TorchScript archive"
                if script
                else "torch zip checkpoint"
                if torch
                else "pickle inside a zip archive"
            )


def _members(
    an: Analyzer,
    f: IO[bytes],
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    keras_config: zipfile.ZipInfo | None,
    label: str | None,
    depth: int,
) -> None:
    from mlwarden.checks.models.analyzer import UNREADABLE, join

    for info in infos:
        name = info.filename
        mlabel = join(label, name)
        reason = paths.escapes(name)
        if reason is not None:
            _escape(an, label, name, reason)
        if _is_symlink(info):
            _symlink(an, f, archive, info, label)
            continue
        if not name or name.endswith("/") or info is keras_config:
            continue
        try:
            raw = zipread.open_member(f, archive, info)
            an.judge_member(
                raw, info.file_size, mlabel, depth + 1, seekable=isinstance(raw, Window)
            )
        except CapExceeded as exc:
            an.incomplete(mlabel, str(exc))
        except Malformed as exc:
            an.error(mlabel, str(exc))
        except UNREADABLE as exc:
            an.error(mlabel, f"cannot read: {type(exc).__name__}: {exc}")


# torch.jit.load reads a TorchScript archive's pickles with torch's C++ unpickler, which
# resolves only these names (TorchScript classes compiled from the archive's code/ and
# its list builders) and never imports Python: within such an archive they are data.
_TORCHSCRIPT = ("__torch__.*", "torch.jit._pickle.*")


def _is_torchscript(names: set[str]) -> bool:
    return any(n == "constants.pkl" or n.endswith("/constants.pkl") for n in names) and any(
        "/code/__torch__/" in n or n.startswith("code/__torch__/") for n in names
    )


def _keras_config(
    an: Analyzer,
    f: IO[bytes],
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    label: str | None,
    depth: int,
) -> zipfile.ZipInfo | None:
    """A Keras v3 archive is recognised by its `config.json` (what `load_model` needs);
    `metadata.json` and the weights are optional."""
    from mlwarden.checks.models.analyzer import UNREADABLE, join

    info = next((i for i in infos if i.filename == "config.json"), None)
    if info is None:
        return None
    mlabel = join(label, info.filename)
    if info.file_size > MAX_KERAS_CONFIG:
        an.incomplete(mlabel, f"config.json of {info.file_size} bytes is too big")
        return info
    try:
        with zipread.open_member(f, archive, info) as raw:
            data = raw.read(MAX_KERAS_CONFIG + 1)
    except (Malformed, *UNREADABLE) as exc:  # type: ignore[misc]
        an.error(mlabel, f"cannot read: {exc}")
        return info
    try:
        config = json.loads(data)
    except (ValueError, RecursionError):
        if _looks_keras(infos):
            an.error(mlabel, "Keras config.json is not valid JSON, so Keras cannot load it")
            return info
        return None  # some other archive's config: judged as a member like any file
    if not keras.is_model_config(config):
        return None
    keras.judge_config(an, config, data, mlabel, depth, container="Keras archive")
    return info


def _torch_package(an: Analyzer, names: set[str], label: str | None) -> None:
    """A torch.package archive imports the Python modules packaged in it when loaded:
    code runs with no dangerous global in any pickle."""
    if not any(n == ".data/extern_modules" or n.endswith("/.data/extern_modules") for n in names):
        return
    sources = sorted(n for n in names if n.endswith(".py"))
    if sources:
        an.out.add(
            "MOD001",
            label,
            "torch.package",
            f"torch.package archive{where(label)}: PackageImporter imports the Python modules "
            f"it carries ({', '.join(sources[:3])}), so loading it runs that code; ship "
            "weights as safetensors and the code as reviewed source",
        )


def _looks_keras(infos: list[zipfile.ZipInfo]) -> bool:
    names = {i.filename for i in infos}
    return "metadata.json" in names or any(n.endswith(".weights.h5") for n in names)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _escape(an: Analyzer, label: str | None, name: str, reason: str) -> None:
    from mlwarden.checks.models.analyzer import join

    an.out.add(
        "MOD008",
        join(label, name),
        f"escape:{name}",
        f"archive member `{name}` leaves the extraction folder: {reason}; extracting the "
        "archive writes outside it. Rebuild the archive from a clean folder",
    )


def _symlink(
    an: Analyzer, f: IO[bytes], archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str | None
) -> None:
    from mlwarden.checks.models.analyzer import UNREADABLE, join

    try:
        with zipread.open_member(f, archive, info) as raw:
            target = raw.read(MAX_LINK).decode("utf-8", "replace")
    except (Malformed, *UNREADABLE):  # type: ignore[misc]
        target = ""
    reason = paths.link_escapes(info.filename, target, hard=False) if target else None
    if reason is not None:
        an.out.add(
            "MOD008",
            join(label, info.filename),
            f"link:{info.filename}",
            f"archive member `{info.filename}` is a symlink: {reason}; extracting it lets "
            "later members write through it. Rebuild the archive without links",
        )
