"""ONNX, TensorFlow graphs (read with a minimal protobuf reader) and Hugging Face
configs that name remote code."""

from __future__ import annotations

import json
from pathlib import Path

from tests.checks.models import builders
from tests.checks.models.test_helpers import ids, only, scan


def test_onnx_external_data_locations(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "abs.onnx": builders.onnx_model(locations=["/etc/passwd"]),
            "up.onnx": builders.onnx_model(locations=["weights/../../../etc/passwd"]),
            "inside.onnx": builders.onnx_model(locations=["model.onnx.data", "sub/../w.bin"]),
            "plain.onnx": builders.onnx_model(),
        },
    )
    assert ids(result) == [("MOD012", "abs.onnx", None), ("MOD012", "up.onnx", None)]
    assert "CVE-2022-25882" in only(result, "MOD012")[0].message


def test_onnx_custom_domains(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "custom.onnx": builders.onnx_model(nodes=[("RunShell", "com.attacker.ops")]),
            "ml.onnx": builders.onnx_model(nodes=[("Normalizer", "ai.onnx.ml")]),
            "ort.onnx": builders.onnx_model(nodes=[("FusedConv", "com.microsoft")]),
            "local.onnx": builders.onnx_model(
                nodes=[("MyGelu", "my.functions")], functions=[("MyGelu", "my.functions")]
            ),
        },
    )
    assert ids(result) == [("MOD013", "custom.onnx", None)]
    assert only(result, "MOD013")[0].severity.label == "info"


def test_unreadable_onnx_fails_closed(tmp_path: Path) -> None:
    model = builders.onnx_model(locations=["w.bin"])
    result = scan(
        tmp_path,
        {"cut.onnx": model[:-5], "garbage.onnx": b"\x08\x07\x12" + b"\xff" * 64},
    )
    assert ids(result) == [("MOD007", "cut.onnx", None), ("MOD007", "garbage.onnx", None)]


def test_tensorflow_python_and_file_ops(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "pyfunc/saved_model.pb": builders.saved_model(["Placeholder", "PyFunc"]),
            "eager/saved_model.pb": builders.saved_model(["Const"], function_ops=["EagerPyFunc"]),
            "files/saved_model.pb": builders.saved_model(["ReadFile", "WholeFileReaderV2"]),
            "ok/saved_model.pb": builders.saved_model(
                ["Placeholder", "Const", "MatMul", "SaveV2", "RestoreV2"]
            ),
            "frozen.pb": b"".join(
                builders.pb_bytes(1, builders.tf_node(f"n{i}", op))
                for i, op in enumerate(["Const", "WriteFile"])
            ),
        },
    )
    assert ids(result) == [
        ("MOD014", "eager/saved_model.pb", None),
        ("MOD014", "pyfunc/saved_model.pb", None),
        ("MOD015", "files/saved_model.pb", None),
        ("MOD015", "files/saved_model.pb", None),
        ("MOD015", "frozen.pb", None),
    ]


def test_hugging_face_auto_map(tmp_path: Path) -> None:
    def config(**keys: object) -> bytes:
        return json.dumps({"model_type": "x", "hidden_size": 8, **keys}).encode()

    result = scan(
        tmp_path,
        {
            "local/config.json": config(auto_map={"AutoModel": "modeling_x.XModel"}),
            "remote/config.json": config(auto_map={"AutoModel": "evil/repo--modeling_x.XModel"}),
            "tok/tokenizer_config.json": config(
                auto_map={"AutoTokenizer": ["tokenization_x.XTokenizer", None]}
            ),
            "nested/config.json": config(text_config={"trust_remote_code": True}),
            "attn/config.json": config(_attn_implementation_internal="kernels-community/evil"),
            "plain/config.json": config(architectures=["BertModel"]),
        },
    )
    assert ids(result) == [
        ("MOD016", "local/config.json", None),
        ("MOD016", "remote/config.json", None),
        ("MOD016", "tok/tokenizer_config.json", None),
        ("MOD017", "attn/config.json", None),
        ("MOD017", "nested/config.json", None),
    ]
    severities = {f.location.path: f.severity.label for f in only(result, "MOD016")}
    assert severities == {
        "local/config.json": "info",
        "remote/config.json": "medium",
        "tok/tokenizer_config.json": "info",
    }
    assert all("SG023" in f.message for f in only(result, "MOD016"))
