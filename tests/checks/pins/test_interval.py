"""The interval a specifier allows (PIN021 on ranges): never narrower than the specifier."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from mlwarden.checks.pins.interval import Bound, Interval, interval

_VERSIONS = st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)).map(
    lambda t: Version(".".join(map(str, t)))
)
_OPS = st.sampled_from(["<", "<=", ">", ">=", "!=", "~=", "==*"])


def _item(op: str, version: Version) -> str:
    if op == "==*":
        return f"=={version.major}.{version.minor}.*"
    return f"{op}{version}"


_SPECS = st.lists(st.tuples(_OPS, _VERSIONS), min_size=1, max_size=3).map(
    lambda items: SpecifierSet(",".join(_item(op, v) for op, v in items))
)


def _holds(allowed: Interval, version: Version) -> bool:
    return Interval(Bound(version, True), Bound(version, True)).within(allowed)


@settings(max_examples=300, deadline=None)
@given(_SPECS, _VERSIONS)
def test_the_interval_holds_every_version_the_specifier_allows(
    spec: SpecifierSet, version: Version
) -> None:
    allowed = interval(spec)
    assert allowed is not None
    if spec.contains(version):
        assert _holds(allowed, version)


@settings(max_examples=300, deadline=None)
@given(_SPECS, _SPECS, _VERSIONS)
def test_within_means_every_allowed_version_is_in_the_other(
    inner: SpecifierSet, outer: SpecifierSet, version: Version
) -> None:
    small, large = interval(inner), interval(outer)
    assert small is not None and large is not None
    if small.within(large) and inner.contains(version):
        # `!=` in `outer` removes points the interval keeps: only bounds are compared.
        bounds_only = SpecifierSet(",".join(str(s) for s in outer if s.operator != "!="))
        assert bounds_only.contains(version)


def test_exact_pins_are_not_intervals() -> None:
    assert interval(SpecifierSet("==2.5.1")) is None
    assert interval(SpecifierSet("===1.0")) is None


def test_bounds_of_the_usual_forms() -> None:
    assert interval(SpecifierSet("~=2.5.1")) == Interval(
        Bound(Version("2.5.1"), True), Bound(Version("2.6"), False)
    )
    assert interval(SpecifierSet("==3.7.*")) == Interval(
        Bound(Version("3.7"), True), Bound(Version("3.8"), False)
    )
    assert interval(SpecifierSet(">=2.0,<2.6,<3")) == Interval(
        Bound(Version("2.0"), True), Bound(Version("2.6"), False)
    )
    assert interval(SpecifierSet("<=1.12.0,>=1.13")).is_empty()  # type: ignore[union-attr]
