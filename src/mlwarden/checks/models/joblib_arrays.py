"""joblib's on-disk layout: raw array bytes sit between the pickle opcodes.

After the BUILD of each `NumpyArrayWrapper`, joblib's unpickler reads the array's bytes
straight from the file (after one padding-length byte and padding when the state has
`numpy_array_alignment_bytes`), or a nested pickle for object arrays. To go on reading
opcodes, the analyser must know how many bytes to skip: the shape times the itemsize of
the symbolic `numpy.dtype(...)` call in the wrapper's state.
"""

from __future__ import annotations

import math
import re
from typing import Any

from mlwarden.checks.models.base import Incomplete
from mlwarden.checks.models.values import Call

JOBLIB_WRAPPERS = frozenset(
    {
        "joblib.numpy_pickle.NumpyArrayWrapper",
        "sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper",
    }
)


def array_layout(state: Any) -> tuple[int, bool, bool]:
    """(bytes of array data, holds Python objects, has an alignment padding) of a wrapper."""
    if not isinstance(state, dict):
        raise Incomplete("joblib array wrapper without a state dict")
    shape = state.get("shape")
    if not isinstance(shape, tuple) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise Incomplete("joblib array with an unreadable shape")
    itemsize, has_object = dtype_info(state.get("dtype"))
    aligned = state.get("numpy_array_alignment_bytes") is not None
    return math.prod(shape) * itemsize, has_object, aligned


_DTYPE = re.compile(r"^[<>|=]?([a-zA-Z?])(\d*)")
_DEFAULT_SIZES = {"?": 1, "b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8, "L": 8, "q": 8}
_DEFAULT_SIZES.update({"Q": 8, "e": 2, "f": 4, "d": 8, "g": 16, "F": 8, "D": 16, "G": 32})


def dtype_info(dtype: Any) -> tuple[int, bool]:
    """(itemsize, has_object) of a symbolic `numpy.dtype(...)` call; Incomplete if unknown."""
    if not (isinstance(dtype, Call) and isinstance(dtype.args, tuple) and dtype.args):
        raise Incomplete("joblib array with an unreadable dtype")
    spec = dtype.args[0]
    if isinstance(spec, bytes):
        spec = spec.decode("latin-1")
    state = dtype.state
    fields = state[3] if isinstance(state, tuple) and len(state) > 3 else None
    if isinstance(fields, dict):
        has_object = any(
            isinstance(v, tuple) and v and isinstance(v[0], Call) and dtype_info(v[0])[1]
            for v in fields.values()
        )
        elsize = state[5] if isinstance(state, tuple) and len(state) > 5 else -1
        if isinstance(elsize, int) and elsize > 0:
            return elsize, has_object
    match = _DTYPE.match(spec) if isinstance(spec, str) else None
    if match is None:
        raise Incomplete(f"joblib array with dtype {spec!r}")
    kind, digits = match.group(1), match.group(2)
    if kind == "O":
        return 8, True
    if isinstance(state, tuple) and len(state) > 5 and isinstance(state[5], int) and state[5] > 0:
        return state[5], False
    if digits:
        size = int(digits)
        return (size * 4 if kind == "U" else size), False
    if kind in _DEFAULT_SIZES:
        return _DEFAULT_SIZES[kind], False
    raise Incomplete(f"joblib array with dtype {spec!r}")
