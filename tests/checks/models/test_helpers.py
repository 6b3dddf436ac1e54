"""Builders for real model files: malicious pickles are written opcode by opcode (or by
pickle.dumps of a __reduce__ class); nothing here or in the hook ever loads them."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mlwarden.checks.models import Options
from mlwarden.core.findings import Finding, HookResult
from tests.conftest import judge


class Payload:
    """Pickles as a call to os.system; pickling is fine, loading never happens."""

    def __reduce__(self) -> tuple[object, ...]:

        return (os.system, ("id",))


def frag(obj: object, proto: int) -> bytes:
    """`obj` pickled without PROTO/FRAME/STOP, to splice into a hand-made stream."""
    data = pickle.dumps(obj, protocol=proto)
    if proto >= 2:
        data = data[2:]
    if proto >= 4 and data[:1] == pickle.FRAME:
        data = data[9:]
    return data[:-1]


def call(module: str, name: str, args: tuple[object, ...], proto: int = 2) -> bytes:
    if proto >= 4:
        ref = frag(module, proto) + frag(name, proto) + pickle.STACK_GLOBAL
    else:
        ref = b"c" + module.encode() + b"\n" + name.encode() + b"\n"
    return ref + frag(args, proto) + pickle.REDUCE


def stream(body: bytes, proto: int = 2) -> bytes:
    return (bytes([0x80, proto]) if proto >= 2 else b"") + body + pickle.STOP


def evil(module: str = "os", name: str = "system", proto: int = 2) -> bytes:
    """A dict of weights with a call to module.name under one key."""
    expr = call(module, name, ("id",), proto)
    if proto == 0:
        body = b"(d" + frag("w", 0) + frag([1.0], 0) + b"s" + frag("x", 0) + expr + b"s"
    else:
        body = b"}(" + frag("w", proto) + frag([1.0], proto) + frag("x", proto) + expr + b"u"
    return stream(body, proto)


def torch_zip(pkl: bytes, folder: str = "archive", member: str = "data.pkl") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{folder}/{member}", pkl)
        zf.writestr(f"{folder}/byteorder", "little")
        zf.writestr(f"{folder}/data/0", b"\x80\x02garbage-tensor-bytes" + b"\0" * 64)
        zf.writestr(f"{folder}/version", "3\n")
    return out.getvalue()


def benign_state_dict(proto: int = 2) -> bytes:
    """What torch.save(state_dict) pickles, with torch's own globals."""
    body = (
        call("collections", "OrderedDict", (), proto)
        + b"("
        + frag("fc.weight", proto)
        + call("torch._utils", "_rebuild_tensor_v2", (0, (2, 2), (2, 1), False), proto)
        + frag("fc.dtype", proto)
        + call("torch", "float32", (), proto)[: -len(frag((), proto)) - 1]
        + b"u"
    )
    return stream(body, proto)


def npy_object(pkl: bytes) -> bytes:
    text = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    text += " " * (63 - (10 + len(text)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode() + pkl


def npy_floats(values: Sequence[float]) -> bytes:
    import struct

    text = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({len(values)},), }}"
    text += " " * (63 - (10 + len(text)) % 64) + "\n"
    data = struct.pack(f"<{len(values)}d", *values)
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode() + data


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


DENSE_LAYER: dict[str, object] = {"module": "keras.layers", "class_name": "Dense", "config": {}}


def hdf5(build: Callable[[Any], None] | None = None) -> bytes:
    """A real HDF5 file written by h5py (`build` fills it)."""
    import h5py

    out = io.BytesIO()
    with h5py.File(out, "w") as f:
        f.create_dataset("layers/dense/vars/0", data=[[1.0, 2.0]])
        if build is not None:
            build(f)
    return out.getvalue()


def keras(layers: list[dict[str, object]], *, metadata: bool = True) -> bytes:
    config = {"module": "keras", "class_name": "Sequential", "config": {"layers": layers}}
    members = {
        "metadata.json": json.dumps({"keras_version": "3.6.0"}).encode(),
        "config.json": json.dumps(config).encode(),
        "model.weights.h5": hdf5(),
    }
    if not metadata:
        del members["metadata.json"]
    return zip_of(members)


def joblib_like(
    n: int, *, after: bytes = b"", align: bool = True, object_array: bytes = b""
) -> bytes:
    """joblib's layout: a NumpyArrayWrapper, then n raw float64s, then more opcodes.

    With `object_array`, the wrapper's dtype is object and that nested pickle follows.
    """
    dtype = b"O8" if object_array else b"f8"
    wrapper = (
        b"cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}("
        + frag("subclass", 2)
        + b"cnumpy\nndarray\n"
        + frag("shape", 2)
        + frag((n,), 2)
        + frag("order", 2)
        + frag("C", 2)
        + frag("dtype", 2)
        + b"cnumpy\ndtype\n"
        + frag((dtype.decode(), False, True), 2)
        + b"R"
        + frag((3, "<", None, None, None, -1, -1, 0), 2)
        + b"b"
        + frag("allow_mmap", 2)
        + b"\x89"
        + (frag("numpy_array_alignment_bytes", 2) + frag(16, 2) if align else b"")
        + b"ub"
    )
    raw = b""
    if object_array:
        raw = object_array
    else:
        if align:
            raw = b"\x03" + b"\xff" * 3
        # Bytes that would be opcodes if the reader did not skip them: c = GLOBAL.
        raw += (b"cos\nsystem\n" * n)[: 8 * n]
    return (
        b"\x80\x02}(" + frag("w", 2) + wrapper + raw + frag("x", 2) + (after or frag(1, 2)) + b"u."
    )


def scan(tmp_path: Path, files: dict[str, bytes], options: Options | None = None) -> HookResult:
    """Write `files` under tmp_path and run the hook on them from tmp_path."""
    for name, data in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return run_on(tmp_path, sorted(files), options)


def run_on(tmp_path: Path, paths: Sequence[str], options: Options | None = None) -> HookResult:
    return judge("models", tmp_path, tuple(paths), options)


def ids(result: HookResult) -> list[tuple[str, str, str | None]]:
    """(rule, path, member) of every finding, sorted: what the tests compare exactly."""
    found = [(f.rule_id, f.location.path, f.location.member) for f in result.findings]
    return sorted(found, key=lambda t: (t[0], t[1], t[2] or ""))


def only(result: HookResult, rule_id: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule_id]
