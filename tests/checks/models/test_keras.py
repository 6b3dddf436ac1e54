"""Keras: v3 archives (recognised by config.json alone), legacy HDF5 (h5py), and the
config shapes that defeat safe_mode."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import h5py  # type: ignore[import-untyped]

from tests.checks.models.test_helpers import (
    DENSE_LAYER,
    evil,
    hdf5,
    ids,
    keras,
    only,
    scan,
    torch_zip,
    zip_of,
)

CONFIG = "config.json"
LAMBDA_V3 = {
    "module": "keras.layers",
    "class_name": "Lambda",
    "config": {
        "name": "boom",
        "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAA", "defaults": None}},
    },
}


def _function(module: str, name: str) -> dict[str, Any]:
    return {
        "module": module,
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }


def test_v3_archive_without_metadata_is_still_keras(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "model.keras": keras([DENSE_LAYER, LAMBDA_V3], metadata=False),
            "nested.keras": keras(
                [{"class_name": "Functional", "config": {"layers": [LAMBDA_V3]}}]
            ),
            "ok.keras": keras([DENSE_LAYER], metadata=False),
        },
    )
    assert ids(result) == [("MOD005", "model.keras", CONFIG), ("MOD005", "nested.keras", CONFIG)]
    assert "`boom`" in only(result, "MOD005")[0].message


def test_configs_that_switch_safe_mode_off_or_load_more(tmp_path: Path) -> None:
    toggle = {
        "class_name": "Lambda",
        "config": {"function": _function("keras.config", "enable_unsafe_deserialization")},
    }
    loader = {
        "class_name": "Lambda",
        "config": {
            "function": _function("keras.models", "load_model"),
            "arguments": {"safe_mode": False},
        },
    }
    get_file = {
        "class_name": "Lambda",
        "config": {"function": _function("keras.utils", "get_file")},
    }
    tfsm = {"module": "keras.layers", "class_name": "TFSMLayer", "config": {"filepath": "/tmp/m"}}
    vocab = {
        "module": "keras.layers",
        "class_name": "StringLookup",
        "config": {"vocabulary": "/etc/passwd"},
    }
    vocab_ok = {
        "module": "keras.layers",
        "class_name": "StringLookup",
        "config": {"vocabulary": ["a"]},
    }
    result = scan(
        tmp_path,
        {
            "toggle.keras": keras([toggle]),
            "loader.keras": keras([loader]),
            "get_file.keras": keras([get_file]),
            "tfsm.keras": keras([tfsm]),
            "vocab.keras": keras([vocab, vocab_ok]),
        },
    )
    subjects = sorted((f.location.path, f.message.split(" ")[3]) for f in only(result, "MOD009"))
    assert {f.rule_id for f in result.findings} == {"MOD009"}
    assert [path for path, _ in subjects] == [
        "get_file.keras",
        "loader.keras",
        "loader.keras",
        "tfsm.keras",
        "toggle.keras",
        "toggle.keras",
        "vocab.keras",
    ]
    assert any("CVE-2025-9906" in f.message for f in only(result, "MOD009"))


def test_torch_module_wrapper_payload_is_judged(tmp_path: Path) -> None:
    wrapper = {
        "module": "keras.layers",
        "class_name": "TorchModuleWrapper",
        "config": {"module": base64.b64encode(torch_zip(evil())).decode()},
    }
    result = scan(tmp_path, {"model.keras": keras([wrapper])})
    assert ids(result) == [
        ("MOD001", "model.keras", "config.json!TorchModuleWrapper!archive/data.pkl"),
        ("MOD003", "model.keras", None),
        ("MOD009", "model.keras", CONFIG),
    ]


def test_foreign_modules_in_a_v3_config(tmp_path: Path) -> None:
    dense_os = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {"activation": _function("os", "system")},
    }
    custom = {"module": "mylayers", "class_name": "Scale", "config": {}}
    result = scan(tmp_path, {"model.keras": keras([dense_os, custom])})
    assert ids(result) == [("MOD001", "model.keras", CONFIG), ("MOD002", "model.keras", CONFIG)]


def _legacy_h5(layers: list[dict[str, Any]]) -> bytes:
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": layers}}
    return hdf5(lambda f: f.attrs.__setitem__("model_config", json.dumps(config)))


def test_legacy_hdf5_lambda_layers(tmp_path: Path) -> None:
    bytecode = {
        "class_name": "Lambda",
        "config": {"name": "l", "function": ["4wEA", None, None], "function_type": "lambda"},
    }
    source = {"class_name": "Lambda", "config": {"function": "lambda x: eval('1')"}}
    mask = {
        "class_name": "Lambda",
        "config": {
            "function": "scale",
            "function_type": "function",
            "mask_type": "lambda",
            "mask": ["4wEA", None, None],
        },
    }
    named = {
        "class_name": "Lambda",
        "config": {"function": "my_pkg.scale", "function_type": "function", "module": "my_pkg"},
    }
    result = scan(
        tmp_path,
        {
            "bytecode.h5": _legacy_h5([bytecode]),
            "source.h5": _legacy_h5([source]),
            "mask.h5": _legacy_h5([mask]),
            "named.h5": _legacy_h5([named]),
            "dense.h5": _legacy_h5([{"class_name": "Dense", "config": {"units": 2}}]),
        },
    )
    assert ids(result) == [
        ("MOD005", "bytecode.h5", None),
        ("MOD005", "mask.h5", None),
        ("MOD005", "source.h5", None),
    ]


def test_hdf5_links_to_other_files(tmp_path: Path) -> None:
    def external(f: h5py.File) -> None:
        f["model_weights/leak"] = h5py.ExternalLink("/etc/passwd", "/")
        f["model_weights/alias"] = h5py.SoftLink("/layers")  # stays in the file

    def stored_outside(f: h5py.File) -> None:
        f.create_dataset("w", shape=(4,), dtype="f4", external=[("/etc/shadow", 0, 16)])

    result = scan(tmp_path, {"a.weights.h5": hdf5(external), "b.h5": hdf5(stored_outside)})
    assert ids(result) == [("MOD010", "a.weights.h5", None), ("MOD010", "b.h5", None)]
    assert "`/model_weights/leak`" in only(result, "MOD010")[0].message


def test_unreadable_keras_and_hdf5_fail_closed(tmp_path: Path) -> None:
    cut = zip_of(
        {"config.json": b'{"class_name": "Sequential", "config": {"lay', "metadata.json": b"{}"}
    )
    result = scan(tmp_path, {"model.keras": cut, "model.h5": hdf5()[:200]})
    assert ids(result) == [("MOD007", "model.h5", None), ("MOD007", "model.keras", None)]


def test_weights_only_files_are_clean(tmp_path: Path) -> None:
    out = io.BytesIO()
    with h5py.File(out, "w") as f:
        f.attrs["layer_names"] = [b"dense"]
        f.create_dataset("dense/kernel:0", data=[[0.5]])
    result = scan(tmp_path, {"model.weights.h5": out.getvalue(), "m.keras": keras([DENSE_LAYER])})
    assert result.findings == () and result.errors == ()
