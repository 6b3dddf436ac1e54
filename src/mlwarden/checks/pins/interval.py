"""The versions a specifier allows, as one interval: what PIN021 asks of a range.

`packaging` answers "does this version match?" but not "which versions match?", and no
well-kept library does interval arithmetic on PEP 440 specifiers, so this models the
operators that bound an interval: `<`, `<=`, `>`, `>=`, `~=` and `==X.*`. `!=` removes single
versions and is ignored: the interval can only be larger than the real set, so a range whose
interval lies inside an advisory's range is affected whatever it excludes. An exact `==X`
or `===` is a pin, judged elsewhere: it gives None here.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version


@dataclass(frozen=True)
class Bound:
    version: Version
    inclusive: bool


@dataclass(frozen=True)
class Interval:
    """Versions between `lower` and `upper` (None: unbounded on that side)."""

    lower: Bound | None = None
    upper: Bound | None = None

    def is_empty(self) -> bool:
        if self.lower is None or self.upper is None:
            return False
        if self.lower.version != self.upper.version:
            return self.lower.version > self.upper.version
        return not (self.lower.inclusive and self.upper.inclusive)

    def within(self, other: Interval) -> bool:
        """Every version of this interval is in `other`."""
        if other.upper is not None:
            mine = self.upper
            if mine is None or mine.version > other.upper.version:
                return False
            if mine.version == other.upper.version and mine.inclusive > other.upper.inclusive:
                return False
        if other.lower is not None:
            mine = self.lower
            if mine is None or mine.version < other.lower.version:
                return False
            if mine.version == other.lower.version and mine.inclusive > other.lower.inclusive:
                return False
        return True


def _next_prefix(release: tuple[int, ...]) -> Version:
    """The first version past every version starting with `release` (`2.5` -> `2.6`)."""
    return Version(".".join(str(n) for n in (*release[:-1], release[-1] + 1)))


def _bounds(item: Specifier) -> tuple[Bound | None, Bound | None] | None:
    op, text = item.operator, item.version
    if op == "!=":
        return None, None
    if op == "==" and text.endswith(".*"):
        start = Version(text[:-2])
        return Bound(start, True), Bound(_next_prefix(start.release), False)
    if op in ("==", "==="):
        return None
    version = Version(text)
    if op == "~=":
        return Bound(version, True), Bound(_next_prefix(version.release[:-1]), False)
    return {
        "<": (None, Bound(version, False)),
        "<=": (None, Bound(version, True)),
        ">": (Bound(version, False), None),
        ">=": (Bound(version, True), None),
    }.get(op)


def _tighter(a: Bound | None, b: Bound | None, *, upper: bool) -> Bound | None:
    if a is None or b is None:
        return a or b
    if a.version != b.version:
        return min(a, b, key=lambda x: x.version) if upper else max(a, b, key=lambda x: x.version)
    return a if not a.inclusive else b  # the exclusive one is tighter


def interval(spec: SpecifierSet) -> Interval | None:
    """The interval `spec` allows, or None when it pins a version or cannot be modelled."""
    lower: Bound | None = None
    upper: Bound | None = None
    try:
        for item in spec:
            bounds = _bounds(item)
            if bounds is None:
                return None
            lower = _tighter(lower, bounds[0], upper=False)
            upper = _tighter(upper, bounds[1], upper=True)
    except InvalidVersion:
        return None
    return Interval(lower, upper)
