"""Typosquat and known-bad package names, against curated offline lists (PIN019, PIN020).

Near-miss lookup uses a deletion index (SymSpell): every popular name is stored under the
strings one (or, for long names, two) deletions away, so a candidate is compared only
with the few names it shares a deletion with, then confirmed with Damerau-Levenshtein.
A 10k-line requirements file stays fast.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from mlwarden.checks.pins.common import Options, Sink
from mlwarden.core.findings import Severity

_LONG = 12  # names this long also match at two edits
_MIN = 5  # shorter popular names produce too many legitimate neighbours
_AFFIXES = ("python-", "python", "py-", "py")
_SUFFIXES = ("-python", "python", "-py", "py")


@dataclass(frozen=True)
class BadName:
    severity: str
    instead: str
    why: str


def _data_lines(name: str) -> list[str]:
    text = importlib.resources.files("mlwarden.data").joinpath(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment distance: edits plus adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _only_digits_differ(a: str, b: str) -> bool:
    """cu11 vs cu12, cuda11x vs cuda12x: release lines, not typos."""
    if len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return bool(diffs) and all(x.isdigit() and y.isdigit() for x, y in diffs)


_HOMOGLYPHS = frozenset({("0", "o"), ("1", "l"), ("1", "i"), ("l", "i"), ("5", "s"), ("3", "e")})
_SHORT = 7  # below this, one substituted letter is as often another real package


def _plain_substitution_on_short(name: str, popular: str) -> bool:
    """jiwer/jiter, ninja/jinja, ijson/ujson: real packages one letter apart.

    On short names only swapped letters, doubled/dropped letters and look-alike
    characters (0/o, 1/l) count; a plain one-letter substitution does not.
    """
    if len(popular) >= _SHORT or len(name) != len(popular):
        return False
    diffs = [(x, y) for x, y in zip(name, popular, strict=True) if x != y]
    if len(diffs) != 1:
        return False  # two differences at distance 1 is an adjacent swap
    pair = tuple(sorted(diffs[0]))
    return pair not in _HOMOGLYPHS


class NameChecker:
    """Loaded once per run from package data; lookups are cached per name."""

    def __init__(self, popular: Iterable[str], bad: dict[str, BadName]) -> None:
        self.popular = frozenset(canonicalize_name(n) for n in popular)
        self.bad = bad
        self._squashed = {p.replace("-", ""): p for p in self.popular}
        self._longest = max((len(p) for p in self.popular), default=0)
        self._index: dict[str, set[str]] | None = None  # built on first need (~20 ms)
        self._cache: dict[str, str | None] = {}

    def _deletion_index(self) -> dict[str, set[str]]:
        if self._index is None:
            index: dict[str, set[str]] = {}
            for name in self.popular:
                if len(name) < _MIN:
                    continue
                for variant in _deletes(name, 2 if len(name) >= _LONG else 1):
                    index.setdefault(variant, set()).add(name)
            self._index = index
        return self._index

    @classmethod
    def load(cls) -> NameChecker:
        bad: dict[str, BadName] = {}
        for line in _data_lines("known_bad_packages.txt"):
            name, severity, instead, why = (part.strip() for part in line.split("|", 3))
            bad[canonicalize_name(name)] = BadName(severity, instead, why)
        return cls(_data_lines("popular_packages.txt"), bad)

    def lookalike(self, name: str) -> str | None:
        """The popular package `name` imitates, or None."""
        if name in self._cache:
            return self._cache[name]
        result = self._lookalike(name)
        self._cache[name] = result
        return result

    def _lookalike(self, name: str) -> str | None:
        if name in self.popular or len(name) < 4 or len(name) > self._longest + 8:
            return None
        squashed = self._squashed.get(name.replace("-", ""))
        if squashed:
            return squashed
        for prefix in _AFFIXES:
            base = name[len(prefix) :] if name.startswith(prefix) else ""
            if len(base) >= 4 and base in self.popular:
                return base
        for suffix in _SUFFIXES:
            base = name[: -len(suffix)] if name.endswith(suffix) else ""
            if len(base) >= 4 and base in self.popular:
                return base
        if len(name) > self._longest + 2:
            return None  # too long to be within two edits of any listed name
        candidates: set[str] = set()
        index = self._deletion_index()
        for variant in _deletes(name, 2 if len(name) >= _LONG - 1 else 1):
            candidates |= index.get(variant, set())
        best: tuple[int, str] | None = None
        for popular in sorted(candidates):
            limit = 2 if len(popular) >= _LONG else 1
            distance = damerau(name, popular)
            near = distance <= limit and not _only_digits_differ(name, popular)
            near = near and not _plain_substitution_on_short(name, popular)
            if near and (best is None or distance < best[0]):
                best = (distance, popular)
        return best[1] if best else None


def check_name(
    sink: Sink,
    checker: NameChecker,
    options: Options,
    path: str,
    line: int,
    raw_name: str,
) -> None:
    """Report `raw_name` if it is a known-bad package or a lookalike of a popular one."""
    name = canonicalize_name(raw_name)
    if name in {canonicalize_name(n) for n in options.allowed_names}:
        return
    bad = checker.bad.get(name)
    if bad is not None:
        sink.add(
            "PIN020",
            path,
            line,
            f"`{raw_name}` is a known-bad package ({bad.why}); use {bad.instead}",
            name,
            severity=Severity.parse(bad.severity),
        )
        return
    target = checker.lookalike(name)
    if target is not None:
        sink.add(
            "PIN019",
            path,
            line,
            f"`{raw_name}` looks like a typosquat of `{target}`: use `{target}`, or add "
            f"`{raw_name}` to `allowed-names` in [tool.mlwarden.pins] if it is really yours",
            name,
        )
