"""HDF5 files (legacy Keras `.h5`, `.weights.h5`), read with h5py without following links.

The model graph of a legacy Keras file is a JSON attribute of the root group
(`model_config`, and `training_config` for losses and metrics): it goes through the
Keras config walker. The tree is walked link by link with `getlink=True`: external
links, external raw storage and virtual datasets make the loader read other host files
(CVE-2026-1669). Dataset contents are never read.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from mlwarden.checks.models import keras
from mlwarden.checks.models.verdicts import where

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

CONFIG_ATTRS = ("model_config", "training_config")
MAX_ATTR = 64 * 1024 * 1024
MAX_PATH = 4096


def judge_hdf5(an: Analyzer, f: IO[bytes], label: str | None, depth: int = 0) -> None:
    import h5py  # type: ignore[import-untyped]

    with h5py.File(f, "r") as h5:
        for attr in CONFIG_ATTRS:
            value = h5.attrs.get(attr)
            if value is None:
                continue
            text = _text(value)
            try:
                config = json.loads(text)
            except (ValueError, RecursionError):
                an.error(label, f"HDF5 `{attr}` attribute is not valid JSON")
                continue
            keras.judge_config(
                an, config, text.encode("utf-8", "replace"), label, depth, container="Keras HDF5"
            )
        _walk(an, h5, label)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value[:MAX_ATTR].decode("utf-8", "replace")
    if hasattr(value, "tobytes"):  # a numpy scalar or array of bytes
        return bytes(value.tobytes())[:MAX_ATTR].decode("utf-8", "replace")
    return str(value)[:MAX_ATTR]


def _walk(an: Analyzer, root: Any, label: str | None) -> None:
    import h5py

    stack: list[tuple[Any, str]] = [(root, "")]
    seen: set[Any] = set()
    visited = 0
    while stack:
        group, path = stack.pop()
        for name in group:
            visited += 1
            if visited > an.caps.max_members:
                an.incomplete(label, f"more than {an.caps.max_members} HDF5 objects")
                return
            link = group.get(name, getlink=True)
            where_ = f"{path}/{name}"
            if isinstance(link, h5py.ExternalLink):
                _report(an, label, where_, f"is an external link to `{link.filename}`")
                continue
            if not isinstance(link, h5py.HardLink):
                continue  # soft links stay inside this file
            obj = group[name]
            if isinstance(obj, h5py.Group):
                # Hard links can make cycles: an object id (file, address) is seen once.
                if obj.id not in seen and len(where_) < MAX_PATH:
                    seen.add(obj.id)
                    stack.append((obj, where_))
            elif isinstance(obj, h5py.Dataset):
                if obj.external:
                    files = ", ".join(str(entry[0]) for entry in obj.external)
                    _report(an, label, where_, f"stores its data in external files ({files})")
                if obj.is_virtual:
                    _report(an, label, where_, "is a virtual dataset mapping other files")


def _report(an: Analyzer, label: str | None, path: str, what: str) -> None:
    an.out.add(
        "MOD010",
        label,
        f"hdf5:{path}",
        f"HDF5 object `{path}`{where(label)} {what}: loading the weights reads that host "
        "file (CVE-2026-1669); save the model again from weights in memory",
    )
