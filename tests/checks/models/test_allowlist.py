"""Allow-list verdicts: published gadgets explained with their advisory ids, dotted
protocol-4 names judged on every segment, harmless standard-library names trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks.models.allowlist import Verdict, classify
from mlwarden.checks.models.gadgets import GADGETS
from tests.checks.models.test_helpers import call, evil, ids, only, scan, stream


@pytest.mark.parametrize(
    ("module", "name", "source"),
    [
        ("pip", "main", "CVE-2025-1716"),
        ("pkgutil", "resolve_name", "CVE-2026-3490"),
        ("asyncio.unix_events", "_UnixSubprocessTransport._start", "CVE-2025-10157"),
        ("uuid", "_get_command_stdout", "CVE-2026-56315"),
        ("numpy.f2py.crackfortran", "myeval", "CVE-2025-71365"),
        ("marshal", "loads", "CVE-2025-67747"),
        ("operator", "methodcaller", "CVE-2025-71373"),
    ],
)
def test_published_gadgets_name_their_advisory(
    tmp_path: Path, module: str, name: str, source: str
) -> None:
    result = scan(tmp_path, {"m.pkl": evil(module, name, 4)})
    assert ids(result) == [("MOD001", "m.pkl", None), ("MOD003", "m.pkl", None)]
    assert source in only(result, "MOD001")[0].message


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("torch", "serialization.os.system"),
        ("pathlib", "os.system"),
        ("collections", "__builtins__.get"),
        ("numpy", "testing._private.utils.runstring"),
        ("ctypes", "pythonapi.PyRun_SimpleString"),
        ("torch.hub", "load"),
        ("torch.utils.cpp_extension", "load_inline"),
        ("code", "InteractiveInterpreter.runsource"),
        ("pandas", "HDFStore"),
        ("copyreg", "add_extension"),
        ("pdb", "run"),
    ],
)
def test_dotted_paths_and_module_gadgets_are_dangerous(module: str, name: str) -> None:
    assert classify(module, name).verdict is Verdict.DANGEROUS


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("builtins", "len"),
        ("__builtin__", "abs"),
        ("collections.abc", "Mapping"),
        ("_collections_abc", "Iterable"),
        ("__future__", "_Feature"),
        ("types", "SimpleNamespace"),
        ("sklearn.pipeline", "Pipeline"),
        ("pandas.core.frame", "DataFrame"),
        ("pandas", "DataFrame"),  # pandas 2+ pickles its public classes under `pandas`
        ("sklearn.ensemble._hist_gradient_boosting.binning", "_BinMapper"),
        ("sklearn.neighbors._kd_tree", "newObj"),
    ],
)
def test_harmless_names_are_safe(module: str, name: str) -> None:
    assert classify(module, name).verdict is Verdict.SAFE


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("builtins", "map"),  # takes a callable
        ("sklearn.utils", "run_cmd"),  # a function of a trusted package
        ("torch", "serialization.Foo"),  # a dotted path is never trusted by pattern
        ("getpass", "getpass"),
    ],
)
def test_near_misses_are_unknown(module: str, name: str) -> None:
    assert classify(module, name).verdict is Verdict.UNKNOWN


def test_harmless_stdlib_pickles_are_not_flagged(tmp_path: Path) -> None:
    body = (
        b"("
        + call("builtins", "len", ([1, 2],), 4)
        + call("collections.abc", "Mapping", (), 4)[:-1]
        + call("__future__", "_Feature", ((3, 7, 0, "beta", 1), (3, 11), 16777216), 4)
        + b"l"
    )
    result = scan(tmp_path, {"m.pkl": stream(body, 4)})
    assert ids(result) == [("MOD003", "m.pkl", None)]


def test_every_gadget_row_has_a_source() -> None:
    assert all(g.sources and g.why for g in GADGETS)
    prefixes = [g.prefix for g in GADGETS]
    assert len(prefixes) == len(set(prefixes))
