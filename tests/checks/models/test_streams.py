"""Every pickle in a stream, read the way CPython's unpickler reads it: back to back,
broken after the payload (nullifAI), without a PROTO header, INT with a base prefix,
EXT codes registered in the stream, memo confusion, BUILD planting __setstate__,
nested loads."""

from __future__ import annotations

import pickle
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.checks.models.test_helpers import (
    benign_state_dict,
    call,
    evil,
    frag,
    ids,
    only,
    scan,
    stream,
    torch_zip,
)

SYSTEM = b"cos\nsystem\n"
CALL_ID = b"X\x02\x00\x00\x00id\x85R"  # ("id",) then REDUCE


def test_back_to_back_pickles_are_all_read(tmp_path: Path) -> None:
    benign = pickle.dumps({"w": [1.0]}, protocol=2)
    result = scan(
        tmp_path,
        {
            "second.pkl": benign + evil(),
            "third.bin": benign + pickle.dumps(3, protocol=2) + evil(proto=0),
            "two_benign.pkl": benign + pickle.dumps([1, 2], protocol=4),
        },
    )
    assert ids(result) == [
        ("MOD001", "second.pkl", None),
        ("MOD001", "third.bin", None),
        ("MOD003", "second.pkl", None),
        ("MOD003", "third.bin", None),
        ("MOD003", "two_benign.pkl", None),
    ]


def test_nullifai_payload_before_the_broken_bytes(tmp_path: Path) -> None:
    broken = b"\x80\x02" + SYSTEM + CALL_ID + b"\xff\xfe broken"
    headerless = SYSTEM + CALL_ID + b"\xff\xfe"  # no PROTO, any name
    result = scan(tmp_path, {"pytorch_model.bin": broken, "weights.dat": headerless})
    assert ids(result) == [
        ("MOD001", "pytorch_model.bin", None),
        ("MOD001", "weights.dat", None),
        ("MOD003", "pytorch_model.bin", None),
        ("MOD003", "weights.dat", None),
        ("MOD007", "pytorch_model.bin", None),
        ("MOD007", "weights.dat", None),
    ]
    assert "pickle breaks after code ran" in only(result, "MOD007")[0].message


def test_headerless_protocol_4_stream(tmp_path: Path) -> None:
    body = frag("os", 4) + frag("system", 4) + b"\x93" + frag(("id",), 4) + b"R"
    result = scan(tmp_path, {"weights.bin": body + b"."})
    assert ids(result) == [("MOD001", "weights.bin", None), ("MOD003", "weights.bin", None)]


def test_protocol_0_text_pickles_and_trailing_bytes(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "model.bin": evil(proto=0) + b"\n\n",
            "checkpoint": evil(proto=0),
            "config.pkl": pickle.dumps({"lr": 0.1, "layers": [1, 2]}, protocol=0),
            "notes.txt": b"cat\ndog\nbird\n",
        },
    )
    assert ids(result) == [
        ("MOD001", "checkpoint", None),
        ("MOD001", "model.bin", None),
        ("MOD003", "checkpoint", None),
        ("MOD003", "config.pkl", None),
        ("MOD003", "model.bin", None),
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.integers(0, 2**40),
    spelling=st.sampled_from(["0x{:x}", "0X{:X}", "0o{:o}", "0b{:b}", "0{:o}", "{:_d}", " {:d}"]),
    proto=st.sampled_from([0, 2]),
)
def test_int_spellings_cpython_accepts_do_not_stop_the_reader(
    tmp_path: Path, value: int, spelling: str, proto: int
) -> None:
    """pickletools reads INT in base 10 and raises; CPython uses strtol/int(s, 0) and
    goes on to the payload."""
    text = spelling.format(value)
    if text in ("00", "01") or (text.strip() == "0" * len(text.strip()) and len(text) > 1):
        text = "7"
    head = b"\x80\x02" if proto else b""
    data = head + b"I" + text.encode() + b"\n0" + SYSTEM + CALL_ID + b"."
    assert pickle.loads(head + b"I" + text.encode() + b"\n.") is not None  # CPython agrees
    result = scan(tmp_path, {"model.pkl": data})
    assert ids(result) == [("MOD001", "model.pkl", None), ("MOD003", "model.pkl", None)]


def test_ext_codes_registered_in_the_stream(tmp_path: Path) -> None:
    register = b"ccopyreg\nadd_extension\n(X\x02\x00\x00\x00osX\x06\x00\x00\x00systemJ"
    ext = {
        "ext1.pkl": b"\x82\x42",
        "ext2.pkl": b"\x83\x34\x12",
        "ext4.pkl": b"\x84\x56\x34\x12\x00",
    }
    codes = {"ext1.pkl": 0x42, "ext2.pkl": 0x1234, "ext4.pkl": 0x123456}
    files = {
        name: b"\x80\x02"
        + register
        + codes[name].to_bytes(4, "little")
        + b"tR0"
        + opcode
        + b"(X\x02\x00\x00\x00idtR."
        for name, opcode in ext.items()
    }
    result = scan(tmp_path, files)
    for name in files:
        messages = sorted(f.message for f in result.findings if f.location.path == name)
        assert any("`os.system`" in m for m in messages), name
        assert any("`copyreg.add_extension`" in m for m in messages), name


def test_memo_overwrite_resolves_the_last_value(tmp_path: Path) -> None:
    # builtins/len go into the memo first, then os/system overwrite the same slots.
    data = (
        b"\x80\x04\x8c\x08builtins\x94\x8c\x03len\x9400"
        b"\x8c\x02osq\x000\x8c\x06systemq\x010h\x00h\x01\x93(X\x02\x00\x00\x00idtR."
    )
    result = scan(tmp_path, {"model.pkl": data})
    assert ids(result) == [("MOD001", "model.pkl", None), ("MOD003", "model.pkl", None)]
    assert "`os.system`" in only(result, "MOD001")[0].message


def test_build_that_plants_setstate(tmp_path: Path) -> None:
    # The callable BUILD plants is an allowed one, so only the BUILD shape can tell.
    data = (
        b"\x80\x02cargparse\nNamespace\n)\x81(N}(X\x0c\x00\x00\x00__setstate__"
        b"cbuiltins\nlen\nutbX\x02\x00\x00\x00idb."
    )
    result = scan(tmp_path, {"model.pkl": data})
    assert ids(result) == [("MOD001", "model.pkl", None), ("MOD003", "model.pkl", None)]
    assert "`__setstate__`" in only(result, "MOD001")[0].message


def test_nested_pickle_loads_payload_is_judged(tmp_path: Path) -> None:
    inner = pickle.dumps({"w": 1}, protocol=2)
    loads = call("pickle", "loads", (evil(),), 2)
    benign_bytes = frag({"blob": inner}, 2)  # bytes that are a pickle, loaded by nothing
    result = scan(tmp_path, {"m.pkl": stream(loads, 2), "data.pkl": stream(benign_bytes, 2)})
    assert ids(result) == [
        ("MOD001", "m.pkl", None),
        ("MOD001", "m.pkl", "(embedded bytes)"),
        ("MOD003", "data.pkl", None),
        ("MOD003", "m.pkl", None),
    ]


def test_torch_load_from_bytes_is_as_safe_as_what_it_loads(tmp_path: Path) -> None:
    """pickle.dumps(tensor) stores the storage as torch.save bytes behind
    torch.storage._load_from_bytes: clean when those bytes are clean."""
    good = call("torch.storage", "_load_from_bytes", (torch_zip(benign_state_dict()),), 2)
    bad = call("torch.storage", "_load_from_bytes", (torch_zip(evil()),), 2)
    opaque = call("torch.storage", "_load_from_bytes", ("not bytes",), 2)
    # Over 4 KB, as real storages are: protocol 2 writes them as latin-1 text.
    big = torch_zip(benign_state_dict()) + b"\0" * 8192
    big_call = call("torch.storage", "_load_from_bytes", (big,), 2)
    result = scan(
        tmp_path,
        {
            "good.pkl": stream(good, 2),
            "bad.pkl": stream(bad, 2),
            "odd.pkl": stream(opaque, 2),
            "big.pkl": stream(big_call, 2),
            "big4.pkl": stream(call("torch.storage", "_load_from_bytes", (big,), 4), 4),
        },
    )
    assert ids(result) == [
        ("MOD001", "bad.pkl", "(embedded bytes)!archive/data.pkl"),
        ("MOD001", "odd.pkl", None),
        ("MOD003", "bad.pkl", None),
        ("MOD003", "big.pkl", None),
        ("MOD003", "big4.pkl", None),
        ("MOD003", "good.pkl", None),
        ("MOD003", "odd.pkl", None),
    ]


def test_obj_result_popped_is_still_a_call(tmp_path: Path) -> None:
    # fickling lost OBJ calls whose result was POPped (GHSA-mxhj-88fx-4pcv).
    data = b"\x80\x02(csmtplib\nSMTP\nX\x09\x00\x00\x00evil.testo0}."
    result = scan(tmp_path, {"model.pkl": data})
    assert ids(result) == [("MOD001", "model.pkl", None), ("MOD003", "model.pkl", None)]
