"""Shell text, read the one way every hook reads it: Dockerfile `RUN`, workflow `run:`,
notebook `!`/`%%bash` lines, pre-commit entries.

Not a shell parser: mlwarden never runs what it reads, it only needs the words of each
simple command, the lines behind them, and whether downloaded code is piped into an
interpreter. `shlex` does the quoting; the rest is the few rules below.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

# (file line, text) of each physical line.
Lines = list[tuple[int, str]]

# Between simple commands: `&&`, `||`, `;`, pipes, newlines, command substitution.
SEPARATORS = re.compile(r"&&|\|\||;|\||\n|\$\(|`|\)")
# A shell comment (`pip install -qr r.txt  # install` installs no `install`).
COMMENT = re.compile(r"(?:^|\s)#.*$")
# Downloaded code run without being checked: `curl … | sh`, `sh -c "$(curl …)"`,
# `bash <(wget …)`, `curl … | python`, PowerShell's `iwr … | iex`.
PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:(?:/usr/bin/)?env\s+(?:\S+=\S+\s+)*)?"
    r"(?:/\w+/)*(?:ba|z|da|k|c|fi)?sh\b"
    r"|\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|node)\b"
    r"|\b(?:ba|z)?sh\s+(?:-c\s+)?[\"']?\$\(\s*(?:curl|wget)\b"
    r"|\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b"
    r"|\biex\b.*\b(?:iwr|Invoke-WebRequest)\b"
)


def split_tokens(text: str) -> list[str]:
    """Shell-like words; plain whitespace split when there is nothing to unquote (fast),
    and when the quoting is broken (a half-written line is still worth reading)."""
    if not any(c in text for c in "\"'\\"):
        return text.split()
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


def logical_commands(lines: Lines) -> Iterator[tuple[str, Lines]]:
    """Shell text with backslash continuations joined, with the physical lines behind it."""
    pending: Lines = []
    for number, text in lines:
        pending.append((number, text))
        if not text.rstrip().endswith("\\"):
            yield " ".join(t.rstrip().removesuffix("\\") for _, t in pending), pending
            pending = []
    if pending:
        yield " ".join(t.rstrip().removesuffix("\\") for _, t in pending), pending


def simple_commands(text: str) -> Iterator[list[str]]:
    """The words of each simple command of a logical line, comments dropped."""
    for segment in SEPARATORS.split(COMMENT.sub("", text)):
        words = split_tokens(segment)
        if words:
            yield words


def pipe_to_shell(text: str) -> re.Match[str] | None:
    return PIPE_TO_SHELL.search(text)
