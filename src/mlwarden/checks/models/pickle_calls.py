"""What the calls a pickle makes mean, beyond "a callable was called".

CPython's unpickler gives some calls effects a symbolic reader must follow to see what
the loader sees: `copyreg.add_extension` registers a global that a later `EXT` opcode
fetches by number; `pickle.loads` and `torch.storage._load_from_bytes` unpickle their
bytes argument (judged here as a file of its own); protocol 2 pickles bytes as
`_codecs.encode(text, "latin1")`; a `BUILD` whose state sets `__setstate__` makes the
next `BUILD` call a function the pickle chose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlwarden.checks.models.base import BoundedReader, Caps
from mlwarden.checks.models.joblib_arrays import JOBLIB_WRAPPERS
from mlwarden.checks.models.pickle_args import looks_nested
from mlwarden.checks.models.values import Call, Embedded, Global, Opaque

# Callables that unpickle their bytes argument: what they load is judged as a file.
NESTED_LOADERS = frozenset(
    {
        "pickle.loads",
        "pickle._loads",
        "_pickle.loads",
        "cPickle.loads",
        "dill.loads",
        "dill._dill.loads",
        "cloudpickle.loads",
        "numpy.loads",
        "torch.storage._load_from_bytes",
    }
)
# ...of which this one is what torch itself writes (a tensor pickled with plain pickle):
# it is as safe as the bytes it loads.
CONTENT_JUDGED = frozenset({"torch.storage._load_from_bytes"})
_ADD_EXTENSION = frozenset({"copyreg.add_extension", "copy_reg.add_extension"})
_LATIN1_BYTES = frozenset({"_codecs.encode", "codecs.encode"})


def _latin1_args(args: Any) -> bool:
    return (
        isinstance(args, tuple)
        and len(args) == 2
        and isinstance(args[0], str)
        and args[1] in ("latin1", "latin-1")
    )


NestedHook = Callable[[bytes], None]


@dataclass
class PickleResult:
    globals: list[tuple[Global, int]] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)  # STACK_GLOBAL on non-strings
    extensions: list[int] = field(default_factory=list)  # EXT1/2/4 codes nobody registered
    value: Any = None
    opcodes: int = 0
    joblib_arrays: int = 0
    calls: int = 0  # REDUCE/NEWOBJ/INST/OBJ/BUILD that completed: the loader ran them
    tricks: list[tuple[str, str]] = field(default_factory=list)  # (subject, explanation)
    unjudged_loaders: set[str] = field(default_factory=set)  # nested loads of unseen bytes
    # Set when the stream could not be read to its STOP: the kind decides how it is
    # reported ("malformed" -> error, "cap"/"incomplete" -> MOD007).
    problem: str | None = None
    problem_kind: str | None = None


class CallSemantics:
    """The call-related opcodes of `PickleMachine` (REDUCE & co. land in `_call`)."""

    reader: BoundedReader
    caps: Caps
    depth: int
    nested: NestedHook | None
    result: PickleResult
    stack: list[Any]
    registry: dict[int, tuple[str, str]]

    def _global(self, module: Any, name: Any) -> Global | Opaque:
        raise NotImplementedError

    def _pop(self) -> Any:
        raise NotImplementedError

    def _top(self) -> Any:
        raise NotImplementedError

    def _joblib_array(self, state: Any) -> Opaque:
        raise NotImplementedError

    def _call(self, func: Any, args: Any) -> None:
        self.result.calls += 1
        if isinstance(func, Global):
            full = func.full
            if full in NESTED_LOADERS:
                self._nested_load(full, args)
            elif full in _ADD_EXTENSION:
                self._register(args)
            elif full in _LATIN1_BYTES and _latin1_args(args):
                # Protocol 2 pickles bytes as _codecs.encode(text, "latin1").
                data = args[0].encode("latin-1")
                self.stack.append(Embedded(data) if looks_nested(data) else data)
                return
        self.stack.append(Call(func, args))

    def _nested_load(self, full: str, args: Any) -> None:
        first = args[0] if isinstance(args, tuple) and args else None
        if isinstance(first, Embedded) and first.data is not None and self.nested is not None:
            data, first.data = first.data, None  # judged once, then freed
            self.nested(data)
        elif not (isinstance(first, Embedded) and first.data is None):
            self.result.unjudged_loaders.add(full)

    def _register(self, args: Any) -> None:
        if (
            isinstance(args, tuple)
            and len(args) == 3
            and isinstance(args[0], str)
            and isinstance(args[1], str)
            and isinstance(args[2], int)
        ):
            self.registry[args[2]] = (args[0], args[1])

    def build(self, _: Any) -> None:
        state = self._pop()
        target = self._top()
        self._dunder_state(state)
        if isinstance(target, Call):
            self.result.calls += 1
            target.state = state
            func = target.func
            if (
                isinstance(func, Global)
                and func.name.endswith("ArrayWrapper")
                and (func.full in JOBLIB_WRAPPERS)
            ):
                self.stack[-1] = self._joblib_array(state)

    def _dunder_state(self, state: Any) -> None:
        """A BUILD state whose dict sets `__setstate__` (or another special name) on the
        object: the next BUILD on it calls whatever the pickle put there."""
        dicts = state if isinstance(state, tuple) else (state,)
        for item in dicts:
            if not isinstance(item, dict):
                continue
            for key in item:
                if isinstance(key, str) and key.startswith("__") and key.endswith("__"):
                    self.result.tricks.append(
                        (
                            f"build:{key}",
                            f"a BUILD state sets the special attribute `{key}`, so a later "
                            "BUILD calls a function the pickle chose",
                        )
                    )

    def ext(self, code: Any) -> None:
        registered = self.registry.get(int(code))
        if registered is not None:
            # EXT fetches the pair copyreg.add_extension registered: it is imported now.
            self.stack.append(self._global(*registered))
            return
        self.result.extensions.append(int(code))
        self.stack.append(Opaque("extension"))
