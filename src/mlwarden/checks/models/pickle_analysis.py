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

What CPython's unpickler does and pickletools does not model is followed too: protocol-0
arguments are parsed as `_pickle.c` parses them (`pickle_args`), `EXT*` codes registered
in the stream by `copyreg.add_extension` resolve to the global they name, bytes handed to a
nested loader (`pickle.loads`, `torch.storage._load_from_bytes`) are judged as a file of
their own, and `BUILD` states that plant a `__setstate__` are reported.
"""

from __future__ import annotations

import pickletools
import struct
from collections.abc import Callable
from typing import Any

from mlwarden.checks.models.base import BoundedReader, CapExceeded, Caps, Incomplete, Malformed
from mlwarden.checks.models.joblib_arrays import array_layout
from mlwarden.checks.models.pickle_args import (
    ArgReader,
    arg_reader,
    short_unicode,
    uint1,
)
from mlwarden.checks.models.pickle_calls import (
    CONTENT_JUDGED,
    NESTED_LOADERS,
    CallSemantics,
    NestedHook,
    PickleResult,
)
from mlwarden.checks.models.values import Global, Opaque

__all__ = ["CONTENT_JUDGED", "NESTED_LOADERS", "PickleMachine", "PickleResult", "analyse_pickle"]

KEEP_ITEMS = 4096  # containers stop growing after this many items
MAX_MARKS = 10_000
# Each memo entry costs ~100 bytes: bound the memory a crafted stream can claim.
MAX_MEMO = 2_000_000


class PickleMachine(CallSemantics):
    """Runs one pickle stream symbolically; raises Malformed/CapExceeded/Incomplete."""

    def __init__(
        self,
        reader: BoundedReader,
        caps: Caps,
        depth: int = 0,
        nested: NestedHook | None = None,
    ) -> None:
        self.reader = reader
        self.caps = caps
        self.depth = depth
        self.nested = nested
        self.result = PickleResult()
        self.stack: list[Any] = []
        self.marks: list[list[Any]] = []
        self.memo: dict[int, Any] = {}
        self.registry: dict[int, tuple[str, str]] = {}  # copyreg extensions set in-stream

    def run(self) -> PickleResult:
        reader = self.reader
        result = self.result
        limit = self.caps.max_opcodes
        table = _TABLE
        buf = reader._buf
        size = len(buf)
        while True:
            # The hot loop: take the opcode byte straight from the reader's buffer
            # (`buf`/`size` follow it when a read refills it).
            if reader._buf is not buf:
                buf = reader._buf
                size = len(buf)
            pos = reader._pos
            if pos < size:
                code = buf[pos]
                pos += 1
                reader._pos = pos
            else:
                byte = reader.read(1)
                if not byte:
                    raise Malformed("truncated pickle: no STOP opcode")
                code = byte[0]
                buf = reader._buf
                size = len(buf)
                pos = reader._pos
            entry = table[code]
            if entry is None:
                raise Malformed(f"not a pickle opcode: {bytes([code])!r}")
            result.opcodes += 1
            if result.opcodes > limit:
                raise CapExceeded(f"more than {limit} pickle opcodes")
            name, arg_reader, handler = entry
            arg: Any
            try:
                if arg_reader is None:
                    arg = None
                elif arg_reader is uint1 and pos < size:
                    # BINPUT/BINGET/BININT1, the commonest arguments, also inline.
                    arg = buf[pos]
                    reader._pos = pos + 1
                elif arg_reader is short_unicode and pos < size:
                    # SHORT_BINUNICODE (names, dict keys): inline when it is buffered.
                    end = pos + 1 + buf[pos]
                    if end <= size:
                        arg = buf[pos + 1 : end].decode("utf-8", "surrogatepass")
                        reader._pos = end
                    else:
                        arg = arg_reader(reader)
                else:
                    arg = arg_reader(reader)
            except (ValueError, UnicodeDecodeError, OverflowError, struct.error) as exc:
                raise Malformed(f"bad {name} argument: {exc}") from None
            # The three commonest handlers, inline: a call costs as much as the work.
            if handler is _push:
                self.stack.append(arg)
            elif handler is _memoize and self.stack and len(self.memo) < MAX_MEMO:
                self.memo[len(self.memo)] = self.stack[-1]
            elif handler is _get and arg in self.memo:
                self.stack.append(self.memo[arg])
            elif handler is None:  # STOP
                result.value = self._pop()
                return result
            else:
                handler(self, arg)

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
        """The items above the last MARK; `self.stack` becomes the stack below it."""
        if not self.marks:
            raise Malformed("no MARK on the stack")
        items = self.stack
        self.stack = self.marks.pop()
        return items

    def _global(self, module: Any, name: Any) -> Global | Opaque:
        position = self.reader.consumed
        if isinstance(module, str) and isinstance(name, str):
            ref = Global(module, name)
            self.result.globals.append((ref, position))
            return ref
        self.result.unresolved.append(position)
        return Opaque("computed global")

    # --- opcodes: each handler takes the decoded argument ------------------------------

    def push(self, arg: Any) -> None:
        self.stack.append(arg)

    def mark(self, _: Any) -> None:
        if len(self.marks) >= MAX_MARKS:
            raise CapExceeded(f"pickle nested more than {MAX_MARKS} MARKs deep")
        self.marks.append(self.stack)
        self.stack = []

    def put(self, index: Any) -> None:
        if not self.stack:
            raise Malformed("stack underflow")
        if len(self.memo) >= MAX_MEMO and index not in self.memo:
            raise CapExceeded(f"pickle memo over {MAX_MEMO} entries")
        self.memo[int(index)] = self.stack[-1]

    def memoize(self, _: Any) -> None:
        self.put(len(self.memo))

    def get(self, index: Any) -> None:
        try:
            self.stack.append(self.memo[int(index)])
        except KeyError:
            raise Malformed(f"memo key {index} missing") from None

    def global_(self, arg: Any) -> None:
        module, name = arg
        self.stack.append(self._global(module, name))

    def stack_global(self, _: Any) -> None:
        attr = self._pop()
        module = self._pop()
        self.stack.append(self._global(module, attr))

    def inst(self, arg: Any) -> None:
        # CPython pops the MARK before it imports: no MARK, no import.
        args = tuple(self._pop_mark())
        module, name = arg
        self._call(self._global(module, name), args)

    def obj(self, _: Any) -> None:
        items = self._pop_mark()
        if not items:
            raise Malformed("OBJ without a class")
        self._call(items[0], tuple(items[1:]))

    def reduce(self, _: Any) -> None:
        args = self._pop()
        func = self._pop()
        self._call(func, args)

    def newobj_ex(self, _: Any) -> None:
        self._pop()
        self.reduce(None)

    def persid(self, _: Any) -> None:
        self.stack.append(Opaque("persistent id"))

    def binpersid(self, _: Any) -> None:
        self._pop()
        self.stack.append(Opaque("persistent id"))

    def tuple_(self, _: Any) -> None:
        items = self._pop_mark()
        self.stack.append(tuple(items[:KEEP_ITEMS]))

    def list_(self, _: Any) -> None:
        items = self._pop_mark()
        self.stack.append(items[:KEEP_ITEMS])

    def dict_(self, _: Any) -> None:
        items = self._pop_mark()
        self.stack.append(_to_dict(items))

    def small_tuple(self, size: int) -> None:
        stack = self.stack
        if len(stack) < size:
            raise Malformed("stack underflow")
        items = tuple(stack[len(stack) - size :])
        del stack[len(stack) - size :]
        stack.append(items)

    def append(self, _: Any) -> None:
        value = self._pop()
        target = self._top()
        if isinstance(target, list) and len(target) < KEEP_ITEMS:
            target.append(value)

    def appends(self, _: Any) -> None:
        items = self._pop_mark()
        target = self._top()
        if isinstance(target, list):
            target.extend(items[: max(0, KEEP_ITEMS - len(target))])

    def setitem(self, _: Any) -> None:
        value = self._pop()
        key = self._pop()
        _set_item(self._top(), key, value)

    def setitems(self, _: Any) -> None:
        items = self._pop_mark()
        target = self._top()
        for i in range(0, len(items) - 1, 2):
            _set_item(target, items[i], items[i + 1])

    def pop(self, _: Any) -> None:
        if self.stack:
            self.stack.pop()
        else:
            self._pop_mark()

    def pop_mark(self, _: Any) -> None:
        self._pop_mark()

    def dup(self, _: Any) -> None:
        self.stack.append(self._top())

    def proto(self, version: Any) -> None:
        if not 0 <= int(version) <= 5:
            raise Malformed(f"unsupported pickle protocol {version}")

    def nothing(self, _: Any) -> None:
        """FRAME and READONLY_BUFFER change nothing we track."""

    # --- joblib ----------------------------------------------------------------------

    def _joblib_array(self, state: Any) -> Opaque:
        """Skip the raw array bytes joblib writes after a NumpyArrayWrapper's BUILD."""
        nbytes, has_object, aligned = array_layout(state)
        self.result.joblib_arrays += 1
        if has_object:
            if self.depth + 1 > self.caps.max_nesting:
                raise CapExceeded("joblib object arrays nested too deep")
            nested = PickleMachine(self.reader, self.caps, self.depth + 1, self.nested)
            # The nested stream shares the budgets of its parent.
            nested.result.opcodes = self.result.opcodes
            inner = nested.run()
            self.result.globals.extend(inner.globals)
            self.result.unresolved.extend(inner.unresolved)
            self.result.extensions.extend(inner.extensions)
            self.result.tricks.extend(inner.tricks)
            self.result.unjudged_loaders |= inner.unjudged_loaders
            self.result.calls += inner.calls
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
        try:
            target[key] = value
        except TypeError:  # an unhashable symbolic key: nothing we need to remember
            return


def analyse_pickle(
    reader: BoundedReader, caps: Caps, depth: int = 0, nested: NestedHook | None = None
) -> PickleResult:
    """Run one stream; a stream that ends early keeps what was found before the break
    (a truncated pickle still ran every REDUCE before it)."""
    machine = PickleMachine(reader, caps, depth, nested)
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


Handler = Callable[[PickleMachine, Any], None]


def _const(value: Callable[[], Any]) -> Handler:
    return lambda machine, _: machine.stack.append(value())


def _tuple_of(size: int) -> Handler:
    return lambda machine, _: machine.small_tuple(size)


_HANDLERS: dict[str, Handler | None] = {
    "STOP": None,
    "MARK": PickleMachine.mark,
    "PUT": PickleMachine.put,
    "BINPUT": PickleMachine.put,
    "LONG_BINPUT": PickleMachine.put,
    "MEMOIZE": PickleMachine.memoize,
    "GET": PickleMachine.get,
    "BINGET": PickleMachine.get,
    "LONG_BINGET": PickleMachine.get,
    "GLOBAL": PickleMachine.global_,
    "STACK_GLOBAL": PickleMachine.stack_global,
    "INST": PickleMachine.inst,
    "OBJ": PickleMachine.obj,
    "REDUCE": PickleMachine.reduce,
    "NEWOBJ": PickleMachine.reduce,
    "NEWOBJ_EX": PickleMachine.newobj_ex,
    "BUILD": PickleMachine.build,
    "EXT1": PickleMachine.ext,
    "EXT2": PickleMachine.ext,
    "EXT4": PickleMachine.ext,
    "PERSID": PickleMachine.persid,
    "BINPERSID": PickleMachine.binpersid,
    "TUPLE": PickleMachine.tuple_,
    "FROZENSET": PickleMachine.tuple_,
    "LIST": PickleMachine.list_,
    "DICT": PickleMachine.dict_,
    "TUPLE1": _tuple_of(1),
    "TUPLE2": _tuple_of(2),
    "TUPLE3": _tuple_of(3),
    "APPEND": PickleMachine.append,
    "APPENDS": PickleMachine.appends,
    "ADDITEMS": PickleMachine.appends,
    "SETITEM": PickleMachine.setitem,
    "SETITEMS": PickleMachine.setitems,
    "POP": PickleMachine.pop,
    "POP_MARK": PickleMachine.pop_mark,
    "DUP": PickleMachine.dup,
    "PROTO": PickleMachine.proto,
    "FRAME": PickleMachine.nothing,
    "READONLY_BUFFER": PickleMachine.nothing,
    "NONE": _const(lambda: None),
    "NEWTRUE": _const(lambda: True),
    "NEWFALSE": _const(lambda: False),
    "EMPTY_LIST": _const(list),
    "EMPTY_SET": _const(list),
    "EMPTY_TUPLE": _const(tuple),
    "EMPTY_DICT": _const(dict),
    "NEXT_BUFFER": _const(lambda: Opaque("out-of-band buffer")),
}
# Every other opcode of protocols 0-5 pushes its argument (INT, BINUNICODE, BINFLOAT...).
_TABLE: list[tuple[str, ArgReader | None, Handler | None] | None] = [None] * 256
for _op in pickletools.opcodes:
    _TABLE[ord(_op.code)] = (
        _op.name,
        arg_reader(_op),
        _HANDLERS.get(_op.name, PickleMachine.push),
    )
_push, _memoize, _get = PickleMachine.push, PickleMachine.memoize, PickleMachine.get
