"""Every container the hook opens, each with a real generated file and a near miss."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
import zlib
from pathlib import Path

import pytest

from mlwarden.checks.models import Options
from tests.checks.models.test_helpers import (
    DENSE_LAYER,
    benign_state_dict,
    evil,
    frag,
    ids,
    joblib_like,
    keras,
    npy_floats,
    npy_object,
    only,
    scan,
    torch_zip,
    zip_of,
)


def test_torch_zip_names_the_member(tmp_path: Path) -> None:
    result = scan(tmp_path, {"model.pt": torch_zip(evil())})
    assert ids(result) == [
        ("MOD001", "model.pt", "archive/data.pkl"),
        ("MOD003", "model.pt", None),
    ]
    assert "in member `archive/data.pkl`" in only(result, "MOD001")[0].message
    assert only(result, "MOD003")[0].message.startswith("torch zip checkpoint")


def test_torch_zip_any_folder_any_extension(tmp_path: Path) -> None:
    result = scan(tmp_path, {"weights.data": torch_zip(evil(), folder="my model-v2")})
    assert ids(result) == [
        ("MOD001", "weights.data", "my model-v2/data.pkl"),
        ("MOD003", "weights.data", None),
    ]


def test_pickle_in_a_member_not_named_pkl(tmp_path: Path) -> None:
    result = scan(tmp_path, {"model.pt": torch_zip(evil(), member="extra_state")})
    assert ids(result) == [
        ("MOD001", "model.pt", "archive/extra_state"),
        ("MOD003", "model.pt", None),
    ]


def test_benign_torch_zip_and_tensor_bytes_that_look_like_a_pickle(tmp_path: Path) -> None:
    # data/0 starts with \x80\x02 but is tensor data: no error, no finding.
    result = scan(tmp_path, {"model.pt": torch_zip(benign_state_dict())})
    assert ids(result) == [("MOD003", "model.pt", None)]
    assert result.errors == ()


def test_npy_with_object_dtype(tmp_path: Path) -> None:
    result = scan(tmp_path, {"a.npy": npy_object(evil(proto=3))})
    assert ids(result) == [("MOD001", "a.npy", None), ("MOD003", "a.npy", None)]


def test_numeric_npy_is_clean(tmp_path: Path) -> None:
    result = scan(tmp_path, {"a.npy": npy_floats([1.0, 2.0, 3.0])})
    assert result.findings == () and result.errors == ()


def test_npz_member(tmp_path: Path) -> None:
    data = zip_of({"ok.npy": npy_floats([1.0]), "bad.npy": npy_object(evil(proto=3))})
    result = scan(tmp_path, {"arrays.npz": data})
    assert ids(result) == [("MOD001", "arrays.npz", "bad.npy"), ("MOD003", "arrays.npz", None)]


def test_joblib_payload_after_raw_array_bytes(tmp_path: Path) -> None:
    # The array bytes spell `cos\nsystem\n`: a reader that does not skip them would
    # report a false os.system; the real payload comes after them.
    result = scan(tmp_path, {"m.joblib": joblib_like(4, after=evil()[2:-1])})
    assert ids(result) == [("MOD001", "m.joblib", None), ("MOD003", "m.joblib", None)]
    assert "`os.system`" in only(result, "MOD001")[0].message
    assert only(result, "MOD003")[0].message.startswith("joblib file")


def test_joblib_without_payload_is_clean(tmp_path: Path) -> None:
    for align in (True, False):
        result = scan(tmp_path, {"m.joblib": joblib_like(4, align=align)})
        assert ids(result) == [("MOD003", "m.joblib", None)], align
        assert result.errors == ()


def test_joblib_object_array_is_a_nested_pickle(tmp_path: Path) -> None:
    result = scan(tmp_path, {"m.joblib": joblib_like(1, object_array=evil())})
    assert ids(result) == [("MOD001", "m.joblib", None), ("MOD003", "m.joblib", None)]


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("zlib", zlib.compress),
        ("gzip", gzip.compress),
        ("bz2", bz2.compress),
        ("xz", lzma.compress),
        ("lzma", lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE)),
    ],
)
def test_compressed_joblib_and_pickles(tmp_path: Path, name: str, compress: object) -> None:
    assert callable(compress)
    data = compress(joblib_like(8, after=evil()[2:-1]))
    result = scan(tmp_path, {"model.joblib": data, "plain.bin": compress(evil())})
    assert ids(result) == [
        ("MOD001", "model.joblib", None),
        ("MOD001", "plain.bin", None),
        ("MOD003", "model.joblib", None),
        ("MOD003", "plain.bin", None),
    ]
    assert only(result, "MOD003")[0].message.startswith(f"{name}-compressed joblib file")


def test_compressed_text_is_ignored(tmp_path: Path) -> None:
    result = scan(tmp_path, {"data.csv.gz": gzip.compress(b"a,b\n1,2\n")})
    assert result.findings == () and result.errors == ()


def test_keras_lambda_and_module_references(tmp_path: Path) -> None:
    lambda_layer = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {"name": "boom", "function": {"config": {"code": "4wEA"}}},
    }
    exec_ref = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {
            "activation": {"module": "builtins", "class_name": "function", "config": "exec"}
        },
    }
    custom = {"module": "mylayers", "class_name": "Scale", "config": {}}
    result = scan(
        tmp_path,
        {
            "lambda.keras": keras([DENSE_LAYER, lambda_layer]),
            "refs.keras": keras([exec_ref, custom]),
            "ok.keras": keras([DENSE_LAYER]),
        },
    )
    assert ids(result) == [
        ("MOD001", "refs.keras", "config.json"),
        ("MOD002", "refs.keras", "config.json"),
        ("MOD005", "lambda.keras", "config.json"),
    ]
    assert "`boom`" in only(result, "MOD005")[0].message
    assert "`builtins.exec`" in only(result, "MOD001")[0].message
    trusted = scan(
        tmp_path, {"refs.keras": keras([custom])}, Options(allow_globals=("mylayers.*",))
    )
    assert trusted.findings == ()


def _safetensors(header: bytes, data: bytes) -> bytes:
    return len(header).to_bytes(8, "little") + header + data


def test_safetensors_header_checks(tmp_path: Path) -> None:
    good = b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}'
    outside = b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4096]}}'
    result = scan(
        tmp_path,
        {
            "good.safetensors": _safetensors(good, b"\0" * 8),
            "outside.safetensors": _safetensors(outside, b"\0" * 8),
            "json.safetensors": _safetensors(b"{not json", b""),
            "short.safetensors": (10**6).to_bytes(8, "little") + b"{}",
        },
    )
    assert ids(result) == [
        ("MOD006", "json.safetensors", None),
        ("MOD006", "outside.safetensors", None),
        ("MOD006", "short.safetensors", None),
    ]
    assert "past the 8 data bytes" in only(result, "MOD006")[1].message


def test_nested_zip_and_nesting_cap(tmp_path: Path) -> None:
    inner = zip_of({"inner/model.pt": torch_zip(evil())})
    result = scan(tmp_path, {"bundle.zip": inner})
    assert ids(result) == [
        ("MOD001", "bundle.zip", "inner/model.pt!archive/data.pkl"),
        ("MOD003", "bundle.zip", None),
    ]
    deep = zip_of({"a.zip": zip_of({"b.zip": zip_of({"c.pt": torch_zip(evil())})})})
    capped = scan(tmp_path, {"deep.zip": deep}, Options(max_nesting=1))
    assert ids(capped) == [("MOD007", "deep.zip", "a.zip!b.zip")]


def test_zip_bomb_member_hits_the_decompression_cap(tmp_path: Path) -> None:
    bomb = b"\x80\x02(" + frag(b"\0" * 512, 2) * 6000 + b"l."  # ~3 MB, compresses well
    data = zip_of({"archive/data.pkl": bomb})
    assert len(data) < 200_000
    result = scan(tmp_path, {"bomb.pt": data}, Options(max_decompressed_mb=1))
    assert ids(result) == [("MOD003", "bomb.pt", None), ("MOD007", "bomb.pt", "archive/data.pkl")]
    assert "more than 1 MB" in only(result, "MOD007")[0].message


def test_only_the_pickle_members_are_read(tmp_path: Path) -> None:
    # A stored tensor member far over the decompression cap is sniffed, not read.
    big = zip_of(
        {"archive/data.pkl": benign_state_dict(), "archive/data/0": b"\0" * (3 * 1024 * 1024)},
        zipfile.ZIP_STORED,
    )
    result = scan(tmp_path, {"model.pt": big}, Options(max_decompressed_mb=1))
    assert ids(result) == [("MOD003", "model.pt", None)]
