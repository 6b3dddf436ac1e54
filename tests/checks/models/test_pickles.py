"""Pickle streams: every protocol, the opcodes that import, and allow-list verdicts."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlwarden.checks.models import Options
from mlwarden.core.findings import Severity
from tests.checks.models.test_helpers import (
    Payload,
    benign_state_dict,
    call,
    evil,
    frag,
    ids,
    only,
    scan,
    stream,
)


@pytest.mark.parametrize("proto", [0, 1, 2, 3, 4, 5])
def test_dangerous_global_in_every_protocol(tmp_path: Path, proto: int) -> None:
    result = scan(tmp_path, {"model.pkl": evil("os", "system", proto)})
    assert ids(result) == [("MOD001", "model.pkl", None), ("MOD003", "model.pkl", None)]
    (bad,) = only(result, "MOD001")
    assert bad.severity is Severity.HIGH
    assert "`os.system`" in bad.message and "runs commands" in bad.message
    assert only(result, "MOD003")[0].severity is Severity.INFO


@pytest.mark.parametrize("proto", [0, 2, 4, 5])
def test_benign_state_dict_is_only_a_format_note(tmp_path: Path, proto: int) -> None:
    result = scan(tmp_path, {"model.pkl": benign_state_dict(proto)})
    assert ids(result) == [("MOD003", "model.pkl", None)]
    assert result.errors == ()


def test_pickle_dumps_of_reduce_class_is_caught(tmp_path: Path) -> None:
    data = pickle.dumps({"state": [1, 2], "hook": Payload()}, protocol=4)
    result = scan(tmp_path, {"weights.bin": data})
    assert ids(result) == [("MOD001", "weights.bin", None), ("MOD003", "weights.bin", None)]
    assert "posix.system" in only(result, "MOD001")[0].message


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("builtins", "eval"),
        ("__builtin__", "exec"),
        ("subprocess", "Popen"),
        ("runpy", "run_path"),
        ("importlib", "import_module"),
        ("timeit", "timeit"),
        ("code", "interact"),
        ("torch.hub", "load"),
        ("numpy.testing._private.utils", "runstring"),
        ("operator", "attrgetter"),
        ("functools", "partial"),
        ("_pickle", "loads"),
        ("webbrowser", "open"),
    ],
)
def test_known_primitives_are_dangerous(tmp_path: Path, module: str, name: str) -> None:
    result = scan(tmp_path, {"m.pkl": evil(module, name, 2)})
    assert [f.rule_id for f in result.findings] == ["MOD001", "MOD003"]


def test_unknown_global_is_medium_and_allow_globals_trusts_it(tmp_path: Path) -> None:
    data = stream(call("mypkg.layers", "Custom", ()), 2)
    result = scan(tmp_path, {"m.pkl": data})
    assert ids(result) == [("MOD002", "m.pkl", None), ("MOD003", "m.pkl", None)]
    assert only(result, "MOD002")[0].severity is Severity.MEDIUM
    assert "allow-globals" in only(result, "MOD002")[0].message
    for allow in (("mypkg.layers.Custom",), ("mypkg.*",)):
        trusted = scan(tmp_path, {"m.pkl": data}, Options(allow_globals=allow))
        assert ids(trusted) == [("MOD003", "m.pkl", None)]
    # A prefix is a module boundary: mypkg.* does not cover mypkgevil.
    near = scan(
        tmp_path,
        {"m.pkl": stream(call("mypkgevil", "X", ()), 2)},
        Options(allow_globals=("mypkg.*",)),
    )
    assert [f.rule_id for f in near.findings] == ["MOD002", "MOD003"]


def test_names_on_neither_list_are_unknown_not_clean(tmp_path: Path) -> None:
    # A bypass nobody has published yet: the allow-list still reports it.
    result = scan(tmp_path, {"m.pkl": evil("getpass", "getpass", 2)})
    assert [f.rule_id for f in result.findings] == ["MOD002", "MOD003"]


def test_stack_global_names_from_the_memo(tmp_path: Path) -> None:
    data = (
        b"\x80\x04"
        + b"\x8c\x02os\x94"
        + b"0"
        + b"\x8c\x06system\x94"
        + b"0"
        + b"}"
        + b"h\x00"
        + b"h\x01"
        + b"\x93"
        + frag(("id",), 4)
        + b"R0."
    )
    result = scan(tmp_path, {"m.pkl": data})
    assert ids(result) == [("MOD001", "m.pkl", None), ("MOD003", "m.pkl", None)]
    assert "`os.system`" in only(result, "MOD001")[0].message


def test_long_binput_memo_in_protocol_2(tmp_path: Path) -> None:
    data = (
        b"\x80\x02X\x0a\x00\x00\x00subprocessr\x07\x01\x00\x000}"
        + b"j\x07\x01\x00\x00X\x05\x00\x00\x00Popen\x93"
        + frag((["id"],), 2)
        + b"R0."
    )
    result = scan(tmp_path, {"m.pkl": data})
    assert "`subprocess.Popen`" in only(result, "MOD001")[0].message


def test_computed_global_name_is_dangerous(tmp_path: Path) -> None:
    # STACK_GLOBAL whose module comes from a call result, not a string.
    data = b"\x80\x04" + call("builtins", "str", ("os",), 4) + frag("system", 4) + b"\x93."
    result = scan(tmp_path, {"m.pkl": data})
    # builtins.str itself is safe; the name it would build is what is reported.
    assert [f.rule_id for f in result.findings] == ["MOD001", "MOD003"]
    assert any("computed value" in f.message for f in only(result, "MOD001"))


def test_inst_and_obj_opcodes(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {"inst.pkl": b"(S'id'\nios\nsystem\n.", "obj.pkl": b"(cos\nsystem\nS'id'\no."},
    )
    assert ids(result) == [
        ("MOD001", "inst.pkl", None),
        ("MOD001", "obj.pkl", None),
        ("MOD003", "inst.pkl", None),
        ("MOD003", "obj.pkl", None),
    ]


def test_dunder_attribute_walk_is_dangerous(tmp_path: Path) -> None:
    data = stream(call("collections", "OrderedDict.__init__.__globals__", (), 4), 4)
    result = scan(tmp_path, {"m.pkl": data})
    assert "special attributes" in only(result, "MOD001")[0].message


def test_extension_opcode_is_unknown(tmp_path: Path) -> None:
    result = scan(tmp_path, {"m.pkl": b"\x80\x02\x82\x01."})
    assert [f.rule_id for f in result.findings] == ["MOD002", "MOD003"]


def test_second_pickle_after_stop_is_scanned(tmp_path: Path) -> None:
    data = pickle.dumps({"w": 1}, protocol=2) + evil()
    result = scan(tmp_path, {"m.pt": data})
    assert ids(result) == [("MOD001", "m.pt", None), ("MOD003", "m.pt", None)]


def test_legacy_torch_file_with_protocol_0_payload(tmp_path: Path) -> None:
    legacy = (
        pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
        + pickle.dumps(1001, protocol=2)
        + pickle.dumps({"little_endian": True}, protocol=2)
        + evil(proto=0)
        + pickle.dumps(["0"], protocol=2)
        + b"\x80\x02cos\nsystem\n"  # raw storage bytes: not a pickle, never read as one
    )
    result = scan(tmp_path, {"m.pt": legacy})
    assert ids(result) == [("MOD001", "m.pt", None), ("MOD003", "m.pt", None)]
    assert only(result, "MOD003")[0].message.startswith("legacy torch checkpoint")


def test_safe_globals_of_supported_libraries(tmp_path: Path) -> None:
    body = (
        b"("
        + b"".join(
            call(module, name, (), 2)
            for module, name in [
                ("collections", "OrderedDict"),
                ("torch._utils", "_rebuild_parameter"),
                ("numpy.core.multiarray", "_reconstruct"),
                ("sklearn.ensemble._forest", "RandomForestClassifier"),
                ("pandas.core.frame", "DataFrame"),
                ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
                ("copyreg", "_reconstructor"),
                ("omegaconf.dictconfig", "DictConfig"),
                ("numpy", "float64"),
            ]
        )
        + b"l"
    )
    result = scan(tmp_path, {"m.pkl": stream(body, 2)})
    assert ids(result) == [("MOD003", "m.pkl", None)]


def test_lowercase_function_of_a_safe_package_is_not_trusted(tmp_path: Path) -> None:
    # Classes of sklearn are allowed by pattern; its functions are not.
    result = scan(tmp_path, {"m.pkl": stream(call("sklearn.utils", "run_cmd", ()), 2)})
    assert [f.rule_id for f in result.findings] == ["MOD002", "MOD003"]


def test_text_file_that_starts_like_protocol_0_is_ignored(tmp_path: Path) -> None:
    result = scan(tmp_path, {"notes.txt": b"cat\ndog\nmore text\n", "a.md": b"(see below).\n"})
    assert result.findings == () and result.errors == ()


def test_protocol_0_pickle_with_any_name_is_found_by_content(tmp_path: Path) -> None:
    result = scan(tmp_path, {"README": evil(proto=0)})
    assert ids(result) == [("MOD001", "README", None), ("MOD003", "README", None)]


def test_truncated_pickle_keeps_what_ran_before_the_break(tmp_path: Path) -> None:
    data = evil()[:-4]
    result = scan(tmp_path, {"m.pkl": data})
    assert ids(result) == [
        ("MOD001", "m.pkl", None),
        ("MOD003", "m.pkl", None),
        ("MOD007", "m.pkl", None),
    ]
    assert "malformed pickle" in only(result, "MOD007")[0].message


def test_opcode_cap_is_reported(tmp_path: Path) -> None:
    data = pickle.dumps(list(range(5000)), protocol=2)
    result = scan(tmp_path, {"m.pkl": data}, Options(max_opcodes=100))
    assert ids(result) == [("MOD003", "m.pkl", None), ("MOD007", "m.pkl", None)]
    assert "more than 100 pickle opcodes" in only(result, "MOD007")[0].message


def test_mark_nesting_cap_is_reported(tmp_path: Path) -> None:
    result = scan(tmp_path, {"m.pkl": b"\x80\x02" + b"(" * 20_000 + b"."})
    assert ids(result) == [("MOD003", "m.pkl", None), ("MOD007", "m.pkl", None)]
    assert "MARKs deep" in only(result, "MOD007")[0].message


def test_strings_across_buffer_boundaries(tmp_path: Path) -> None:
    data = pickle.dumps([f"name{i}" for i in range(3000)] + [Payload()], protocol=4)
    assert len(data) > 20_000
    result = scan(tmp_path, {"m.pkl": data})
    assert ids(result) == [("MOD001", "m.pkl", None), ("MOD003", "m.pkl", None)]
    assert result.errors == ()


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=300),
    st.binary(max_size=300),
)
_data = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=8), inner, max_size=6),
        st.frozensets(st.integers(), max_size=4),
    ),
    max_leaves=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_data, proto=st.integers(0, 5))
def test_any_plain_data_parses_without_findings(tmp_path: Path, value: object, proto: int) -> None:
    """Whatever the stdlib pickles from plain data, the analyser reads to the end and
    trusts (builtins.set, _codecs.encode...)."""
    result = scan(tmp_path, {"m.pkl": pickle.dumps(value, protocol=proto)})
    assert ids(result) == [("MOD003", "m.pkl", None)]
    assert result.errors == ()


def test_memo_cap_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlwarden.checks.models import pickle_analysis

    monkeypatch.setattr(pickle_analysis, "MAX_MEMO", 100)
    for proto in (2, 4):  # BINPUT and MEMOIZE
        data = pickle.dumps([f"s{i}" for i in range(300)], protocol=proto)
        result = scan(tmp_path, {"m.pkl": data})
        assert ids(result) == [("MOD003", "m.pkl", None), ("MOD007", "m.pkl", None)]
        assert "memo over 100 entries" in only(result, "MOD007")[0].message
