"""Allow-list verdicts for the globals a pickle imports (and Keras config references).

Deny-lists are bypassed every few months (`numpy.testing._private.utils.runstring`,
`timeit`, `code`, `torch.hub`...). Here a global is *safe* only when it is on an exact,
curated list of what torch, numpy, pandas, scikit-learn, xgboost, lightgbm and the
standard containers store; the *dangerous* list only sharpens the message and the
severity. Everything else is *unknown* and still fails the hook by default.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Verdict(enum.Enum):
    SAFE = "safe"
    DANGEROUS = "dangerous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reason: str


# Module prefixes whose every member is a code-execution, import, I/O or process primitive.
DANGEROUS_MODULES: dict[str, str] = {
    "os": "runs commands and touches files",
    "posix": "runs commands (os on POSIX)",
    "nt": "runs commands (os on Windows)",
    "subprocess": "runs commands",
    "_posixsubprocess": "runs commands",
    "pty": "spawns a shell",
    "runpy": "runs Python modules",
    "socket": "opens network connections",
    "importlib": "imports arbitrary modules",
    "imp": "imports arbitrary modules",
    "_imp": "imports arbitrary modules",
    "zipimport": "imports arbitrary code",
    "ctypes": "calls native code",
    "_ctypes": "calls native code",
    "pickle": "unpickles nested data",
    "_pickle": "unpickles nested data",
    "cloudpickle": "rebuilds functions from bytecode",
    "dill": "rebuilds functions from bytecode",
    "marshal": "loads bytecode",
    "types": "builds functions and code objects",
    "pip": "installs packages",
    "ensurepip": "installs packages",
    "webbrowser": "opens URLs and runs browsers",
    "code": "runs Python source",
    "codeop": "compiles Python source",
    "pdb": "runs Python source",
    "bdb": "runs Python source",
    "cProfile": "runs Python source",
    "profile": "runs Python source",
    "timeit": "runs Python source",
    "trace": "runs Python source",
    "sys": "reaches the interpreter's modules",
    "shutil": "copies and deletes files",
    "tempfile": "creates files",
    "multiprocessing": "starts processes",
    "asyncio": "starts processes and connections",
    "threading": "starts threads",
    "signal": "changes process signals",
    "http": "opens network connections",
    "urllib": "opens network connections",
    "requests": "opens network connections",
    "httpx": "opens network connections",
    "ftplib": "opens network connections",
    "smtplib": "opens network connections",
    "telnetlib": "opens network connections",
    "xmlrpc": "opens network connections",
    "platform": "runs commands",
    "commands": "runs commands",
    "popen2": "runs commands",
    "inspect": "reaches code objects",
    "site": "imports arbitrary modules",
    "builtins.eval": "evaluates Python source",
    "builtins.exec": "executes Python source",
    "builtins.compile": "compiles Python source",
    "builtins.open": "opens files",
    "builtins.__import__": "imports arbitrary modules",
    "builtins.getattr": "reaches any attribute (e.g. os.system)",
    "builtins.setattr": "rewrites attributes",
    "builtins.delattr": "deletes attributes",
    "builtins.globals": "reaches the interpreter's globals",
    "builtins.locals": "reaches the interpreter's locals",
    "builtins.vars": "reaches module namespaces",
    "builtins.breakpoint": "starts a debugger",
    "builtins.input": "reads the terminal",
    "builtins.type": "creates classes",
    "builtins.apply": "calls any callable",
    "builtins.execfile": "executes Python files",
    "builtins.file": "opens files",
    "operator.attrgetter": "reaches any attribute",
    "operator.methodcaller": "calls any method",
    "_operator.attrgetter": "reaches any attribute",
    "_operator.methodcaller": "calls any method",
    "functools.partial": "calls any callable",
    "_functools.partial": "calls any callable",
    "functools.reduce": "calls any callable",
    "_functools.reduce": "calls any callable",
    "torch.hub": "downloads and runs code",
    "torch.load": "unpickles nested data",
    "torch.serialization.load": "unpickles nested data",
    "torch.utils.cpp_extension": "compiles and loads native code",
    "torch.jit": "compiles and runs TorchScript",
    "torch._dynamo": "compiles and runs code",
    "torch._inductor": "compiles and runs code",
    "torch.package": "imports packaged code",
    "numpy.testing": "runs Python source (runstring)",
    "numpy.load": "unpickles nested data",
    "numpy.f2py": "compiles and runs code",
    "numpy.distutils": "compiles and runs code",
    "numpy.ctypeslib": "loads native libraries",
    "numpy.core._ufunc_reconstruct": "imports arbitrary modules",
    "numpy._core._ufunc_reconstruct": "imports arbitrary modules",
    "pandas.read_pickle": "unpickles nested data",
    "pandas.io": "reads and writes files",
    "joblib.load": "unpickles nested data",
    "keras.models.load_model": "loads another model",
    "setuptools": "runs build code",
    "distutils": "runs build code",
    "idlelib": "runs Python source",
    "lib2to3": "runs Python source",
}

# Exact names that loading a checkpoint of the supported libraries legitimately imports.
_TORCH_DTYPES = [
    "float32",
    "float",
    "float64",
    "double",
    "float16",
    "half",
    "bfloat16",
    "complex32",
    "complex64",
    "cfloat",
    "complex128",
    "cdouble",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "short",
    "int32",
    "int",
    "int64",
    "long",
    "bool",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "quint2x4",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "strided",
    "sparse_coo",
    "sparse_csr",
    "sparse_csc",
    "sparse_bsr",
    "sparse_bsc",
    "_mkldnn",
    "contiguous_format",
    "channels_last",
    "channels_last_3d",
    "preserve_format",
    "per_tensor_affine",
    "per_channel_affine",
    "per_tensor_symmetric",
    "per_channel_symmetric",
    "per_channel_affine_float_qparams",
]
_TORCH_STORAGES = [
    "Float",
    "Double",
    "Half",
    "BFloat16",
    "Long",
    "Int",
    "Short",
    "Char",
    "Byte",
    "Bool",
    "ComplexFloat",
    "ComplexDouble",
    "QInt8",
    "QUInt8",
    "QInt32",
    "QUInt4x2",
    "QUInt2x4",
    "Untyped",
    "Typed",
]
SAFE_EXACT: frozenset[str] = frozenset(
    [f"torch.{name}" for name in _TORCH_DTYPES]
    + [f"torch.{name}Storage" for name in _TORCH_STORAGES]
    + [f"torch.storage.{name}Storage" for name in ("Untyped", "Typed")]
    + [
        f"torch._utils.{name}"
        for name in [
            "_rebuild_tensor",
            "_rebuild_tensor_v2",
            "_rebuild_tensor_v3",
            "_rebuild_parameter",
            "_rebuild_parameter_with_state",
            "_rebuild_sparse_tensor",
            "_rebuild_device_tensor_from_numpy",
            "_rebuild_device_tensor_from_cpu_tensor",
            "_rebuild_qtensor",
            "_rebuild_nested_tensor",
            "_rebuild_meta_tensor_no_storage",
            "_rebuild_wrapper_subclass",
            "_rebuild_xla_tensor",
            "_rebuild_mlc_tensor",
            "_rebuild_sparse_csr_tensor",
        ]
    ]
    + [
        "torch.Size",
        "torch.device",
        "torch.Tensor",
        "torch._tensor._rebuild_from_type",
        "torch._tensor._rebuild_from_type_v2",
        "torch.nn.parameter.Parameter",
        "torch.nn.parameter.Buffer",
        "torch.nn.parameter.UninitializedParameter",
        "torch.serialization._get_layout",
        "torch.nn.modules.module._IncompatibleKeys",
        "torch.optim.lr_scheduler.LambdaLR",
        "torch.torch_version.TorchVersion",
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.deque",
        "collections.Counter",
        "copyreg._reconstructor",
        "copyreg.__newobj__",
        "copyreg.__newobj_ex__",
        "copy_reg._reconstructor",
        "_codecs.encode",
        "codecs.encode",
        "argparse.Namespace",
        "datetime.datetime",
        "datetime.date",
        "datetime.time",
        "datetime.timedelta",
        "datetime.timezone",
        "decimal.Decimal",
        "fractions.Fraction",
        "uuid.UUID",
        "pathlib.PosixPath",
        "pathlib.WindowsPath",
        "pathlib.PurePosixPath",
        "pathlib.PureWindowsPath",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.core.multiarray._reconstruct",
        "numpy._core.multiarray._reconstruct",
        "numpy.core.multiarray.scalar",
        "numpy._core.multiarray.scalar",
        "numpy.core.numeric._frombuffer",
        "numpy._core.numeric._frombuffer",
        "numpy.ma.core._mareconstruct",
        "numpy.random._pickle.__randomstate_ctor",
        "numpy.random._pickle.__bit_generator_ctor",
        "numpy.random._pickle.__generator_ctor",
        "numpy.random._pickle._pickle_ctor",
        "numpy.random.mtrand.RandomState",
        "numpy.random._mt19937.MT19937",
        "numpy.random._pcg64.PCG64",
        "numpy.random._generator.Generator",
        "joblib.numpy_pickle.NumpyArrayWrapper",
        "joblib.numpy_pickle_compat.NDArrayWrapper",
        "joblib.numpy_pickle_compat.ZNDArrayWrapper",
        "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
        "pandas._libs.internals._unpickle_block",
        "pandas._libs.tslibs.timestamps._unpickle_timestamp",
        "pandas._libs.tslibs.timedeltas._timedelta_unpickle",
        "pandas._libs.tslibs.nattype.__nat_unpickle",
        "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked",
        "pandas._libs.sparse.BlockIndex",
        "pandas._libs.sparse.IntIndex",
        "pandas.core.internals.blocks.new_block",
        "pandas.core.internals.blocks.Block",
        "pandas.core.indexes.base._new_Index",
        "pandas.core.indexes.period._new_PeriodIndex",
        "pandas.core.arrays.categorical._recode_for_categories",
        "scipy.sparse._csr.csr_matrix",
        "scipy.sparse._csc.csc_matrix",
        "scipy.sparse._coo.coo_matrix",
        "scipy.sparse._csr.csr_array",
        "scipy.sparse._csc.csc_array",
        "scipy.sparse._coo.coo_array",
        "scipy.sparse.csr.csr_matrix",
        "scipy.sparse.csc.csc_matrix",
        "sklearn.tree._tree.Tree",
        "sklearn._loss._loss.__pyx_unpickle_CyHalfSquaredError",
        "sklearn._loss._loss.__pyx_unpickle_CyHalfBinomialLoss",
        "sklearn._loss._loss.__pyx_unpickle_CyHalfMultinomialLoss",
        "sklearn.utils._bunch.Bunch",
    ]
    + [
        f"builtins.{name}"
        for name in [
            "set",
            "frozenset",
            "dict",
            "list",
            "tuple",
            "bytearray",
            "bytes",
            "complex",
            "slice",
            "range",
            "int",
            "float",
            "bool",
            "str",
            "object",
            "NotImplemented",
            "Ellipsis",
        ]
    ]
)

# Classes (CamelCase names) of these packages are what their estimators and modules
# pickle; their constructors only store parameters. Functions are never let through.
SAFE_CLASS_PACKAGES: tuple[str, ...] = (
    "torch.nn.modules.",
    "sklearn.",
    "xgboost.",
    "lightgbm.",
    "pandas.",
    "numpy.dtypes.",
    "numpy.random.",
)
# ...except in their subpackages that do I/O or run code.
UNSAFE_SUBPACKAGES: tuple[str, ...] = (
    "sklearn.utils._testing",
    "sklearn.datasets",
    "sklearn.externals",
    "pandas.io",
)


def _matches(name: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1]) or name == pattern[:-2]
    return name == pattern


def _prefix_hit(name: str, table: Iterable[str]) -> str | None:
    for prefix in table:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


def classify(module: str, name: str, allow: Iterable[str] = ()) -> Classification:
    """The verdict for `module.name` (a protocol-4 `name` may itself be dotted)."""
    if module == "__builtin__":
        module = "builtins"
    full = f"{module}.{name}" if name else module
    if any(_matches(full, pattern) for pattern in allow):
        return Classification(Verdict.SAFE, "listed in allow-globals")
    parts = full.split(".")
    # `x.__globals__`, `obj.__reduce__`: attribute walks are how allow-lists get escaped.
    if any(p.startswith("__") and p.endswith("__") and len(p) > 4 for p in parts[1:]) and (
        full not in SAFE_EXACT and module != "copyreg"
    ):
        return Classification(Verdict.DANGEROUS, "walks special attributes (dunder names)")
    hit = _prefix_hit(full, DANGEROUS_MODULES)
    if hit is not None:
        return Classification(Verdict.DANGEROUS, DANGEROUS_MODULES[hit])
    if full in SAFE_EXACT:
        return Classification(Verdict.SAFE, "on the curated allow-list")
    last = parts[-1]
    if last.startswith("__pyx_unpickle_"):
        # Cython's generated unpickler for class X: as safe as X itself.
        owner = classify(".".join(parts[:-1]), last[len("__pyx_unpickle_") :])
        if owner.verdict is Verdict.SAFE:
            return Classification(Verdict.SAFE, "Cython unpickler of an allowed class")
    if (
        last[:1].isupper()
        and full.startswith(SAFE_CLASS_PACKAGES)
        and _prefix_hit(full, UNSAFE_SUBPACKAGES) is None
    ):
        return Classification(Verdict.SAFE, "a class of a supported ML library")
    return Classification(Verdict.UNKNOWN, "not on the allow-list")
