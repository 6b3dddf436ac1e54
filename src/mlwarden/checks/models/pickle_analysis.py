"""Read a pickle stream's opcodes and resolve every global it imports, executing nothing.

Why not a library: picklescan and modelscan classify with deny-lists and do not follow
`STACK_GLOBAL` names that come from the memo; fickling builds a full AST by
*interpreting* the stream and gives deny-list-style severity guesses. None of them
gives an allow-list verdict. The standard library's `pickletools` knows every opcode
of protocols 0-5 and decodes their arguments without calling anything, so this
module drives its opcode table with a small symbolic stack machine: strings, numbers
and containers are kept (bounded), globals and calls become symbols, and the memo is
followed so that `STACK_GLOBAL` resolves names however they were stored.

It also follows joblib's format, where raw array bytes sit between the opcodes right
after each `NumpyArrayWrapper` is built, and a nested pickle follows object arrays.
"""

from __future__ import annotations

import contextlib
import io
import pickletools
from dataclasses import dataclass, field
from typing import Any

from mlwarden.checks.models.base import BoundedReader, CapExceeded, Caps, Incomplete, Malformed
from mlwarden.checks.models.joblib_arrays import JOBLIB_WRAPPERS, array_layout
from mlwarden.checks.models.values import Call, Global, Opaque

OPCODES: dict[bytes, pickletools.OpcodeInfo] = {
    op.code.encode("latin-1"): op for op in pickletools.opcodes
}
BIG_ARG = 1024 * 1024  # longer arguments are skipped, not kept
KEEP_STR = 4096  # longer strings/bytes are kept as Opaque
KEEP_ITEMS = 4096  # containers stop growing after this many items
MAX_MARKS = 10_000
_LENGTH_PREFIX = {
    pickletools.TAKEN_FROM_ARGUMENT1: (1, False),
    pickletools.TAKEN_FROM_ARGUMENT4: (4, True),
    pickletools.TAKEN_FROM_ARGUMENT4U: (4, False),
    pickletools.TAKEN_FROM_ARGUMENT8U: (8, False),
}


@dataclass
class PickleResult:
    globals: list[tuple[Global, int]] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)  # STACK_GLOBAL on non-strings
    extensions: list[int] = field(default_factory=list)  # EXT1/2/4 codes
    value: Any = None
    opcodes: int = 0
    joblib_arrays: int = 0
    # Set when the stream could not be read to its STOP: the kind decides how it is
    # reported ("malformed" -> error, "cap"/"incomplete" -> MOD007).
    problem: str | None = None
    problem_kind: str | None = None


def _read_arg(op: pickletools.OpcodeInfo, reader: BoundedReader) -> Any:
    desc = op.arg
    if desc is None:
        return None
    if desc.n in _LENGTH_PREFIX:
        width, signed = _LENGTH_PREFIX[desc.n]
        prefix = reader.read_exact(width)
        length = int.from_bytes(prefix, "little", signed=signed)
        if length < 0:
            raise Malformed(f"{op.name}: negative length")
        if length > BIG_ARG:
            reader.skip(length)
            return Opaque(f"{length} bytes")
        data = reader.read_exact(length)
        value = desc.reader(io.BytesIO(prefix + data))
    elif desc.n >= 0:
        value = desc.reader(io.BytesIO(reader.read_exact(desc.n)))
    else:  # UP_TO_NEWLINE: the readers call readline(), which ours bounds
        value = desc.reader(reader)  # type: ignore[arg-type]
    if isinstance(value, (str, bytes, bytearray)) and len(value) > KEEP_STR:
        return Opaque(f"{len(value)} characters")
    return value


class PickleMachine:
    """Runs one pickle stream symbolically; raises Malformed/CapExceeded/Incomplete."""

    def __init__(self, reader: BoundedReader, caps: Caps, depth: int = 0) -> None:
        self.reader = reader
        self.caps = caps
        self.depth = depth
        self.result = PickleResult()
        self.stack: list[Any] = []
        self.marks: list[list[Any]] = []
        self.memo: dict[int, Any] = {}

    def run(self) -> PickleResult:
        reader = self.reader
        while True:
            code = reader.read(1)
            if not code:
                raise Malformed("truncated pickle: no STOP opcode")
            op = OPCODES.get(code)
            if op is None:
                raise Malformed(f"not a pickle opcode: {code!r}")
            self.result.opcodes += 1
            if self.result.opcodes > self.caps.max_opcodes:
                raise CapExceeded(f"more than {self.caps.max_opcodes} pickle opcodes")
            try:
                arg = _read_arg(op, reader)
            except (ValueError, UnicodeDecodeError, OverflowError) as exc:
                raise Malformed(f"bad {op.name} argument: {exc}") from None
            if op.name == "STOP":
                self.result.value = self._pop()
                return self.result
            self._step(op.name, arg)

    # --- stack helpers -------------------------------------------------------------

    def _pop(self) -> Any:
        if not self.stack:
            raise Malformed("stack underflow")
        return self.stack.pop()

    def _top(self) -> Any:
        if not self.stack:
            raise Malformed("stack underflow")
        return self.stack[-1]

    def _pop_mark(self) -> list[Any]:
        if not self.marks:
            raise Malformed("no MARK on the stack")
        items = self.stack
        self.stack = self.marks.pop()
        return items

    def _global(self, module: Any, name: Any, position: int) -> Global | Opaque:
        if isinstance(module, str) and isinstance(name, str):
            ref = Global(module, name)
            self.result.globals.append((ref, position))
            return ref
        self.result.unresolved.append(position)
        return Opaque("computed global")

    # --- opcodes ---------------------------------------------------------------------

    def _step(self, name: str, arg: Any) -> None:
        stack = self.stack
        position = self.reader.consumed
        if name in _PUSH_ARG:
            stack.append(arg)
        elif name in _PUSH_CONST:
            stack.append(_PUSH_CONST[name]())
        elif name == "MARK":
            if len(self.marks) >= MAX_MARKS:
                raise CapExceeded(f"pickle nested more than {MAX_MARKS} MARKs deep")
            self.marks.append(stack)
            self.stack = []
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            self.memo[int(arg)] = self._top()
        elif name == "MEMOIZE":
            self.memo[len(self.memo)] = self._top()
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if int(arg) not in self.memo:
                raise Malformed(f"memo key {arg} missing")
            stack.append(self.memo[int(arg)])
        elif name == "GLOBAL":
            module, _, attr = str(arg).partition(" ")
            stack.append(self._global(module, attr, position))
        elif name == "STACK_GLOBAL":
            attr = self._pop()
            module = self._pop()
            stack.append(self._global(module, attr, position))
        elif name == "INST":
            module, _, attr = str(arg).partition(" ")
            func = self._global(module, attr, position)
            args = tuple(self._pop_mark())  # swaps self.stack: pop before appending
            self.stack.append(Call(func, args))
        elif name == "OBJ":
            items = self._pop_mark()
            if not items:
                raise Malformed("OBJ without a class")
            self.stack.append(Call(items[0], tuple(items[1:])))
        elif name in ("REDUCE", "NEWOBJ"):
            args = self._pop()
            func = self._pop()
            stack.append(Call(func, args))
        elif name == "NEWOBJ_EX":
            self._pop()
            args = self._pop()
            func = self._pop()
            stack.append(Call(func, args))
        elif name == "BUILD":
            state = self._pop()
            target = self._top()
            if isinstance(target, Call):
                target.state = state
                if isinstance(target.func, Global) and target.func.full in JOBLIB_WRAPPERS:
                    stack[-1] = self._joblib_array(state)
        elif name in ("EXT1", "EXT2", "EXT4"):
            self.result.extensions.append(int(arg))
            stack.append(Opaque("extension"))
        else:
            self._containers(name, arg)

    def _containers(self, name: str, arg: Any) -> None:
        stack = self.stack
        if name == "PERSID":
            stack.append(Opaque("persistent id"))
        elif name == "BINPERSID":
            self._pop()
            stack.append(Opaque("persistent id"))
        elif name in ("TUPLE", "LIST", "DICT", "FROZENSET"):
            items = self._pop_mark()  # replaces self.stack: do not use `stack` below
            if name == "DICT":
                self.stack.append(_to_dict(items))
            else:
                kept = items[:KEEP_ITEMS]
                self.stack.append(kept if name == "LIST" else tuple(kept))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            if len(stack) < n:
                raise Malformed("stack underflow")
            items = stack[-n:]
            del stack[-n:]
            stack.append(tuple(items))
        elif name == "APPEND":
            value = self._pop()
            target = self._top()
            if isinstance(target, list) and len(target) < KEEP_ITEMS:
                target.append(value)
        elif name in ("APPENDS", "ADDITEMS"):
            items = self._pop_mark()
            target = self._top()
            if isinstance(target, list):
                target.extend(items[: max(0, KEEP_ITEMS - len(target))])
        elif name == "SETITEM":
            value = self._pop()
            key = self._pop()
            _set_item(self._top(), key, value)
        elif name == "SETITEMS":
            items = self._pop_mark()
            target = self._top()
            for i in range(0, len(items) - 1, 2):
                _set_item(target, items[i], items[i + 1])
        elif name == "POP":
            if self.stack:
                self.stack.pop()
            else:
                self._pop_mark()
        elif name == "POP_MARK":
            self._pop_mark()
        elif name == "DUP":
            stack.append(self._top())
        elif name == "NEXT_BUFFER":
            stack.append(Opaque("out-of-band buffer"))
        elif name == "PROTO":
            if not 0 <= int(arg) <= 5:
                raise Malformed(f"unsupported pickle protocol {arg}")
        elif name in ("FRAME", "READONLY_BUFFER"):
            pass
        else:  # pragma: no cover - every opcode of protocols 0-5 is handled above
            raise Malformed(f"unhandled opcode {name}")

    # --- joblib ----------------------------------------------------------------------

    def _joblib_array(self, state: Any) -> Opaque:
        """Skip the raw array bytes joblib writes after a NumpyArrayWrapper's BUILD."""
        nbytes, has_object, aligned = array_layout(state)
        self.result.joblib_arrays += 1
        if has_object:
            if self.depth + 1 > self.caps.max_nesting:
                raise CapExceeded("joblib object arrays nested too deep")
            nested = PickleMachine(self.reader, self.caps, self.depth + 1)
            # The nested stream shares the budgets of its parent.
            nested.result.opcodes = self.result.opcodes
            inner = nested.run()
            self.result.globals.extend(inner.globals)
            self.result.unresolved.extend(inner.unresolved)
            self.result.extensions.extend(inner.extensions)
            self.result.opcodes = inner.opcodes
            return Opaque("object array")
        if aligned:
            padding = self.reader.read_exact(1)[0]
            self.reader.skip(padding)
        self.reader.skip(nbytes)
        return Opaque("array")


def _to_dict(items: list[Any]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for i in range(0, len(items) - 1, 2):
        _set_item(out, items[i], items[i + 1])
    return out


def _set_item(target: Any, key: Any, value: Any) -> None:
    if isinstance(target, dict) and len(target) < KEEP_ITEMS:
        # An unhashable symbolic key holds nothing we need to remember.
        with contextlib.suppress(TypeError):
            target[key] = value


_PUSH_ARG = frozenset(
    [
        "INT",
        "BININT",
        "BININT1",
        "BININT2",
        "LONG",
        "LONG1",
        "LONG4",
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "BINBYTES",
        "SHORT_BINBYTES",
        "BINBYTES8",
        "BYTEARRAY8",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
        "FLOAT",
        "BINFLOAT",
    ]
)
_PUSH_CONST: dict[str, Any] = {
    "NONE": lambda: None,
    "NEWTRUE": lambda: True,
    "NEWFALSE": lambda: False,
    "EMPTY_LIST": list,
    "EMPTY_TUPLE": tuple,
    "EMPTY_DICT": dict,
    "EMPTY_SET": list,
}


def analyse_pickle(reader: BoundedReader, caps: Caps, depth: int = 0) -> PickleResult:
    """Run one stream; a stream that ends early keeps what was found before the break
    (a truncated pickle still ran every REDUCE before it)."""
    machine = PickleMachine(reader, caps, depth)
    result = machine.result
    try:
        return machine.run()
    except Malformed as exc:
        result.problem, result.problem_kind = str(exc), "malformed"
    except CapExceeded as exc:
        result.problem, result.problem_kind = str(exc), "cap"
    except Incomplete as exc:
        result.problem, result.problem_kind = str(exc), "incomplete"
    except RecursionError:
        result.problem, result.problem_kind = "nested too deeply", "cap"
    return result
