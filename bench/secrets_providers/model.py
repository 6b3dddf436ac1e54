"""The data model of the provider corpus: a provider, its token shapes, its snippets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gen import ALNUM, Gen


@dataclass(frozen=True)
class Shape:
    """`prefix` + `length` random characters from `charset` + `suffix`.

    Also what the near-miss negatives are derived from: the same prefix with a placeholder
    body (alphabet run, sequential digits, repeated block, `xxxx`, EXAMPLE) or a wrong length.
    """

    prefix: str
    length: int
    charset: str = ALNUM
    suffix: str = ""

    def make(self, g: Gen) -> str:
        return self.prefix + g.mixed(self.length, self.charset) + self.suffix


@dataclass(frozen=True)
class Variant:
    """One token kind of a provider (`glpat-`, `gldt-`, …)."""

    label: str
    shape: Shape
    make: Callable[[Gen], str] | None = None  # a structured token (checksum, encoding)
    bad_checksum: Callable[[Gen], str] | None = None  # right shape, wrong checksum
    anchored: bool = False  # no prefix: only a name or a header says what the value is

    def token(self, g: Gen) -> str:
        return self.make(g) if self.make else self.shape.make(g)


@dataclass(frozen=True)
class Snippet:
    """A planted multi-line or whole-line secret: its file and the lines it spans."""

    label: str
    ext: str
    text: str
    start: int  # 1-based first line of the planted secret
    end: int  # last line (== start for one-line secrets)


SnippetMaker = Callable[[Gen, int], Snippet]


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    category: str
    fmt: str  # the documented format, in words
    ref: str  # where the format is documented (provider docs, else the scanner rule)
    names: tuple[str, ...] = ()  # variable names real code gives it
    variants: tuple[Variant, ...] = ()
    header: str = "Authorization: Bearer {v}"  # how it travels in curl ("": it does not)
    snippets: tuple[SnippetMaker, ...] = ()
    snippet_negatives: tuple[SnippetMaker, ...] = ()
    negatives: tuple[tuple[str, str], ...] = field(default=())  # (class, literal value)
    ai: bool = False  # an AI/ML provider (the issue asks 100% recall on these)
