"""The models hook's rules for formats that carry code (or reach files) without a pickle:
Keras configs, HDF5 links, chat templates, ONNX, TensorFlow graphs, Hugging Face
configs. Declared once; `catalog.RULES` is the hook's whole list."""

from __future__ import annotations

from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "models"
NVD = "https://nvd.nist.gov/vuln/detail/"
GHSA = "https://github.com/advisories/"

FORMAT_RULES: tuple[Rule, ...] = (
    Rule(
        "MOD009",
        "keras-unsafe-config",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "A Keras model config turns safe mode off, loads other files or wraps foreign code",
        RuleDoc(
            what="Walks every object of a Keras config (`.keras` `config.json`, HDF5 "
            "`model_config`) and flags: `enable_unsafe_deserialization` or a `safe_mode` "
            "argument anywhere in the text; function references to Keras loaders and "
            "downloaders (`keras.models.load_model`, `keras.utils.get_file`, "
            "`keras.config.enable_unsafe_deserialization`); `TorchModuleWrapper` (a "
            "pickled torch module, also judged as a pickle); `TFSMLayer` (loads a "
            "SavedModel by path); lookup layers whose `vocabulary` is a path or URL.",
            why="Each one defeats `load_model(..., safe_mode=True)` on the Keras versions "
            "the advisories list: the config switches safe mode off and then runs a Lambda "
            "(CVE-2025-9906), downloads a file to a chosen path (CVE-2025-8747), "
            "`torch.load`s with weights_only=False (CVE-2025-49655, CVE-2026-12484), runs "
            "a SavedModel graph (CVE-2026-1462), or reads local files (CVE-2025-12058).",
            example='{"class_name": "Lambda", "config": {"function": {"module": '
            '"keras.config", "class_name": "function", "config": '
            '"enable_unsafe_deserialization"}}}',
            instead="keras.saving.register_keras_serializable() for your own layers; "
            "keep vocabularies inline; pin keras >= 3.13.2",
            references=(
                f"{NVD}CVE-2025-1550",
                f"{NVD}CVE-2025-8747",
                f"{NVD}CVE-2025-9906",
                f"{NVD}CVE-2025-49655",
                f"{NVD}CVE-2026-1462",
                f"{NVD}CVE-2025-12058",
                f"{GHSA}GHSA-36fq-jgmw-4r9c",
            ),
        ),
        cwe=(502, 94),
    ),
    Rule(
        "MOD010",
        "hdf5-external-reference",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "An HDF5 model or weights file points at other files on the host",
        RuleDoc(
            what="Walks the HDF5 tree with h5py without following links and flags external "
            "links, datasets stored in external raw files, and virtual datasets.",
            why="Loading the weights reads whatever file the link names (`/etc/shadow`, "
            "cloud credentials) into the model, where it can be exported again "
            "(CVE-2026-1669; Keras and tf-keras now refuse these).",
            example="f['model_weights/dense/kernel'] = h5py.ExternalLink('/etc/passwd', '/')",
            instead="model.save('model.keras')  # from a model built in your own process",
            references=(
                f"{NVD}CVE-2026-1669",
                "https://github.com/keras-team/tf-keras/pull/921",
            ),
        ),
        cwe=(73, 200),
    ),
    Rule(
        "MOD011",
        "chat-template-sandbox-escape",
        NAME,
        Severity.CRITICAL,
        Confidence.HIGH,
        "A chat template climbs out of the Jinja2 sandbox",
        RuleDoc(
            what="Parses (never renders) every chat template with jinja2: GGUF "
            "`tokenizer.chat_template*` metadata, `chat_template` in JSON configs "
            "(`tokenizer_config.json` & co.), standalone Jinja files and templates in "
            "text configs. Flags attribute or item access to names starting with `_` "
            "(after constant folding: `'__cla' ~ 'ss__'`, `'\\x5f\\x5f...'`, "
            "`|attr(...)`), dunder names and strings, `str.format` reached from the "
            "template, and `import`/`include`/`extends`.",
            why="llama-cpp-python rendered GGUF templates without a sandbox: such a "
            "template runs `os.system` on the first chat (CVE-2024-34359). Sandboxed "
            "renderers on old Jinja2 are escaped through `str.format` (CVE-2024-56326, "
            "CVE-2025-27516). A chat template has no use for any of these constructs.",
            example="{% for c in ().__class__.__base__.__subclasses__() %}...",
            instead="{% for message in messages %}{{ message['role'] }}: "
            "{{ message['content'] }}{% endfor %}",
            references=(
                f"{NVD}CVE-2024-34359",
                f"{GHSA}GHSA-56xg-wfcc-g829",
                f"{NVD}CVE-2024-56326",
                f"{NVD}CVE-2025-27516",
            ),
        ),
        cwe=(1336, 94),
    ),
    Rule(
        "MOD012",
        "onnx-external-data-path",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "An ONNX model loads tensor data from a path outside its folder",
        RuleDoc(
            what="Reads the ONNX protobuf (a minimal wire reader: tensor bytes are skipped, "
            "never loaded) and checks every `external_data` location of initializers, "
            "sparse initializers, node attributes, subgraphs, functions and training "
            "info: absolute paths, `..` that leaves the folder, symlinks in the repository.",
            why="`onnx.load` reads external data by default: a location of "
            "`../../../etc/passwd` or a symlink puts a host file into the model "
            "(CVE-2022-25882, CVE-2024-27318, CVE-2026-27489, CVE-2026-34447).",
            example='external_data { key: "location" value: "../../../../etc/passwd" }',
            instead="onnx.save_model(model, 'model.onnx', save_as_external_data=True, "
            "location='model.onnx.data')  # a file next to the model",
            references=(
                f"{NVD}CVE-2022-25882",
                f"{NVD}CVE-2024-27318",
                f"{NVD}CVE-2026-27489",
                f"{NVD}CVE-2026-34447",
            ),
        ),
        cwe=(22, 59),
    ),
    Rule(
        "MOD013",
        "onnx-custom-operator",
        NAME,
        Severity.INFO,
        Confidence.HIGH,
        "An ONNX model uses operators from a custom domain (a native plugin)",
        RuleDoc(
            what="Lists nodes whose domain is not a standard ONNX or ONNX Runtime domain "
            "and not a function defined in the model.",
            why="ONNX Runtime only runs such a node if the application registers a "
            "custom-op library: native code the model cannot bring, but that the "
            "deployment must load and review.",
            example='node { op_type: "RunShell" domain: "com.example.ops" }',
            instead="standard operators, or a reviewed custom-op library pinned by hash",
            references=("https://onnxruntime.ai/docs/reference/operators/add-custom-op.html",),
        ),
        cwe=(829,),
    ),
    Rule(
        "MOD014",
        "tf-python-callback-op",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "A TensorFlow graph calls back into Python (PyFunc, EagerPyFunc)",
        RuleDoc(
            what="Reads `saved_model.pb` (meta graphs and their function library) with a "
            "minimal protobuf reader and flags `PyFunc`, `PyFuncStateless` and "
            "`EagerPyFunc` ops.",
            why="These ops run a Python function registered in the loading process under "
            "a token the graph names: the behaviour cannot be audited from the file, and "
            "the model is not portable (TensorFlow's own security policy: models are "
            "programs).",
            example="tf.py_function(lambda x: os.system(...), [x], tf.int32)",
            instead="express the computation in TensorFlow ops",
            references=(
                "https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md",
                "https://www.tensorflow.org/api_docs/python/tf/py_function",
            ),
        ),
        cwe=(94,),
    ),
    Rule(
        "MOD015",
        "tf-file-io-op",
        NAME,
        Severity.HIGH,
        Confidence.MEDIUM,
        "A TensorFlow graph reads or writes files by itself",
        RuleDoc(
            what="Flags `ReadFile`, `WriteFile`, `MatchingFiles`, `WholeFileReader(V2)`, "
            "`LoadAndRemapMatrix`, `ImmutableConst` and `InitializeTableFromTextFile(V2)` "
            "ops in the graph or its functions (not the saver's own Save/Restore ops).",
            why="Serving the model reads host files into outputs or overwrites files: "
            "exfiltration or persistence with no Python at all.",
            example="tf.io.write_file('/home/user/.bashrc', payload)",
            instead="feed data through the model's inputs",
            references=("https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md",),
        ),
        cwe=(73,),
    ),
    Rule(
        "MOD016",
        "hf-remote-code",
        NAME,
        Severity.INFO,
        Confidence.HIGH,
        "A Hugging Face config names Python code that runs with trust_remote_code=True",
        RuleDoc(
            what="Reads `auto_map` in JSON configs (`config.json`, `tokenizer_config.json`, "
            "processor configs) and names each class and the module it comes from. A "
            "reference into another Hub repository (`org/repo--module.Class`) is medium.",
            why="Loading this model needs `trust_remote_code=True` (semgrep rule SG023), "
            "which imports these modules: review them as code you run; code from another "
            "repository is not even in this commit.",
            example='"auto_map": {"AutoModel": "modeling_x.XModel"}',
            instead="a model class the library ships, or vendor the code and pin the repo "
            'with revision="<40-hex commit>"',
            references=(
                "https://huggingface.co/docs/transformers/custom_models",
                "https://huggingface.co/docs/transformers/models#custom-models",
            ),
        ),
        cwe=(829, 94),
    ),
    Rule(
        "MOD017",
        "hf-config-loader-override",
        NAME,
        Severity.HIGH,
        Confidence.MEDIUM,
        "A Hugging Face config sets keys that make the loader fetch or trust code",
        RuleDoc(
            what="Flags `trust_remote_code` at any depth of a model config and "
            "`_attn_implementation_internal` naming a Hub repository.",
            why="transformers copied `trust_remote_code` from nested configs into its own "
            "loads (CVE-2026-5241) and fetched attention kernels named by the config "
            "(CVE-2026-4372): code runs without the user opting in.",
            example='"text_config": {"trust_remote_code": true, "auto_map": {...}}',
            instead="remove the keys; the user decides trust_remote_code at load time",
            references=(f"{NVD}CVE-2026-5241", f"{NVD}CVE-2026-4372"),
        ),
        cwe=(829,),
    ),
)
