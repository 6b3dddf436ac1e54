"""The requirements-file format as pip reads it: logical lines, options, requirements.

Logical lines follow pip's own preprocessing (backslash continuations joined onto the
first line's number, then ` #` comments stripped), so findings land on the line where
the requirement starts. Pure parsing; the checks live in pins_requirements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlwarden.core.shell import split_tokens

_COMMENT = re.compile(r"(^|\s+)#.*$")
_VALUE_OPTS = {
    "-r": "--requirement",
    "-c": "--constraint",
    "-e": "--editable",
    "-i": "--index-url",
    "-f": "--find-links",
}
_LONG_VALUE = frozenset(
    {
        "--requirement",
        "--constraint",
        "--editable",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--trusted-host",
        "--hash",
        "--config-settings",
        "--global-option",
        "--install-option",
        "--no-binary",
        "--only-binary",
        "--use-feature",
    }
)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text without comment) for each non-empty logical line."""
    pending: list[str] = []
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.endswith("\\") and not _COMMENT.match(line):
            if not pending:
                first = number
            pending.append(line[:-1])
            continue
        if pending:
            pending.append(line)
            joined, start = "".join(pending), first
            pending = []
        else:
            joined, start = line, number
        stripped = _COMMENT.sub("", joined).strip()
        if stripped:
            yield start, stripped
    if pending:
        stripped = _COMMENT.sub("", "".join(pending)).strip()
        if stripped:
            yield first, stripped


def iter_options(tokens: list[str]) -> Iterator[tuple[str, str | None]]:
    """(long option name, value or None) for option tokens; positional tokens as ('', tok)."""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if not tok.startswith("-") or tok == "-":
            yield "", tok
            continue
        if tok.startswith("--"):
            name, eq, value = tok.partition("=")
            if eq:
                yield name, value
            elif name in _LONG_VALUE and i < len(tokens):
                yield name, tokens[i]
                i += 1
            else:
                yield name, None
            continue
        short = tok[:2]
        if short in _VALUE_OPTS:
            if len(tok) > 2:
                yield _VALUE_OPTS[short], tok[2:].lstrip("=")
            elif i < len(tokens):
                yield _VALUE_OPTS[short], tokens[i]
                i += 1
            else:
                yield _VALUE_OPTS[short], None
        else:
            yield tok, None


@dataclass(frozen=True)
class Entry:
    line: int
    spec: str
    hashed: bool


@dataclass(frozen=True)
class Include:
    line: int
    target: str
    constraint: bool


@dataclass
class ParsedFile:
    path: str
    entries: list[Entry] = field(default_factory=list)
    editables: list[Entry] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    index_options: list[tuple[int, str, str]] = field(default_factory=list)
    require_hashes: bool = False


def parse(path: str, text: str) -> ParsedFile:
    parsed = ParsedFile(path)
    for line, content in logical_lines(text):
        tokens = split_tokens(content)
        if not tokens:
            continue
        if not tokens[0].startswith("-"):
            # pip: the requirement runs up to the first token that starts with '-'.
            cut = next((k for k, t in enumerate(tokens) if t.startswith("-")), len(tokens))
            spec_words = content.split()
            cut_raw = next(
                (k for k, t in enumerate(spec_words) if t.startswith("-")), len(spec_words)
            )
            spec = " ".join(spec_words[:cut_raw])
            hashed = any(name == "--hash" for name, _ in iter_options(tokens[cut:]))
            parsed.entries.append(Entry(line, spec, hashed))
            continue
        for name, value in iter_options(tokens):
            if name in ("--requirement", "--constraint") and value:
                parsed.includes.append(Include(line, value, name == "--constraint"))
            elif name == "--editable" and value:
                parsed.editables.append(Entry(line, value, False))
            elif name in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host"):
                parsed.index_options.append((line, name, value or ""))
            elif name == "--require-hashes":
                parsed.require_hashes = True
    return parsed
