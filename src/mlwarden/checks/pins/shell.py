"""`pip install` inside shell text (Dockerfile RUN, workflow run:), and `curl | sh`."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from mlwarden.checks.pins.reqfile import iter_options
from mlwarden.checks.pins.requirements import check_index_option
from mlwarden.checks.pins.specs import BadRequirement, SpecChecker
from mlwarden.core.shell import (
    Lines,
    logical_commands,
    simple_commands,
    split_tokens,
)

_PIP = re.compile(r"^(?:pip[0-9.]*|python[0-9.]*\s+-m\s+pip|uv\s+pip)$")
# Options that take a value, beyond the requirement-file ones, so values are not
# mistaken for package names.
_VALUE = frozenset(
    {
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--src",
        "--upgrade-strategy",
        "--progress-bar",
        "--cache-dir",
        "--log",
        "--timeout",
        "--retries",
        "--proxy",
        "--cert",
        "--client-cert",
        "-C",
        "--python",
        "-p",
        "--exists-action",
        "--report",
        "--root-user-action",
        "--keyring-provider",
        "--index-strategy",
        "--extra-index-url",
        "--index-url",
        "--find-links",
        "--trusted-host",
        "--requirement",
        "--constraint",
        "--editable",
        "--hash",
        "--config-settings",
        "--global-option",
        "--no-binary",
        "--only-binary",
    }
)


# uv's `--index-strategy unsafe-*` (or `UV_INDEX_STRATEGY=unsafe-*` before the command) lets
# any index supply any package: the same switch PIN011 reports in `[tool.uv]`.
_UNSAFE_STRATEGY = re.compile(
    r"""(?:--index-strategy(?:=|\s+)|\bUV_INDEX_STRATEGY=)["']?(unsafe-[A-Za-z-]+)"""
)
# Environment variables pip and uv read as index options (Dockerfile ENV, workflow env:).
INDEX_ENV = {
    "PIP_INDEX_URL": "--index-url",
    "PIP_EXTRA_INDEX_URL": "--extra-index-url",
    "PIP_FIND_LINKS": "--find-links",
    "PIP_TRUSTED_HOST": "--trusted-host",
    "UV_INDEX_URL": "--index-url",
    "UV_DEFAULT_INDEX": "--index-url",
    "UV_EXTRA_INDEX_URL": "--extra-index-url",
    "UV_INDEX": "--extra-index-url",
    "UV_FIND_LINKS": "--find-links",
}


def unsafe_strategy_message(setting: str) -> str:
    return (
        f"{setting} lets any index supply any package (dependency confusion): remove it, and "
        "give packages that must come from another index an explicit `[[tool.uv.index]]` "
        "with `explicit = true`"
    )


def check_shell(specs: SpecChecker, path: str, lines: Lines) -> None:
    """Every check of shell text: pip/uv installs (PIN015, index options, names) and uv's
    unsafe index strategy on the command line (PIN011)."""
    for text, physical in logical_commands(lines):
        for match in _UNSAFE_STRATEGY.finditer(text):
            setting = match.group(0).replace("=", " ", 1).strip("\"' ")
            specs.sink.add(
                "PIN011",
                path,
                locate(physical, match.group(1)),
                unsafe_strategy_message(f"`{setting}`"),
                f"strategy:{match.group(1)}",
            )
    for args, physical in pip_commands(lines):
        check_pip_args(specs, path, physical, args)


def locate(lines: Lines, word: str) -> int:
    """The physical line that shows `word`, for exact finding positions: the first line
    holding it as a whole shell word (`torch` is not on the `torchvision` line), else the
    first line containing it."""
    for number, text in lines:
        if word in text and word in split_tokens(text.rstrip().removesuffix("\\")):
            return number
    for number, text in lines:
        if word in text:
            return number
    return lines[0][0] if lines else 1


def pip_commands(lines: Lines) -> Iterator[tuple[list[str], Lines]]:
    """Argument lists after `pip install` in each simple command, with their lines."""
    for text, physical in logical_commands(lines):
        if "install" in text:
            for args in _pip_args(text):
                yield args, physical


def _pip_args(text: str) -> Iterator[list[str]]:
    for words in simple_commands(text):
        # skip `sudo`, env assignments, `RUN --mount=...` flags before the command
        while words and (words[0] in ("sudo", "exec", "time") or "=" in words[0]):
            words = words[1:]
        for width in (3, 2, 1):
            head = " ".join(words[:width])
            if _PIP.match(head) and len(words) > width and words[width] == "install":
                yield words[width + 1 :]
                break


def check_pip_args(specs: SpecChecker, path: str, lines: Lines, args: list[str]) -> None:
    """Index options and unpinned names (PIN015) on one `pip install` command."""
    sink, options = specs.sink, specs.options
    tokens = _drop_plain_flags(args)
    for name, value in iter_options(tokens):
        if name in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host"):
            line = locate(lines, value or name)
            check_index_option(sink, options, path, line, name, value or "")
    skip_next = False
    editable = False
    for tok in tokens:
        if skip_next:
            skip_next = False
            continue
        if tok.startswith("-"):
            if "=" not in tok and (tok in _VALUE or tok in ("-r", "-c", "-i", "-f")):
                skip_next = True
            elif re.fullmatch(r"-[a-zA-Z]+[rcif]", tok):
                skip_next = True  # `-qr requirements.txt`, `-Ur file`: flags joined
            if tok in ("-e", "--editable"):
                skip_next, editable = False, True
            continue
        if "$" in tok or "{" in tok:
            editable = False
            continue  # a variable: the value is not in the file
        # Shell words that are not requirements (a redirection target) are not findings.
        with contextlib.suppress(BadRequirement):
            rule = None if editable else "PIN015"
            specs.check(path, locate(lines, tok), tok, pin_rule=rule, where=" in this pip install")
        editable = False


def _drop_plain_flags(args: list[str]) -> list[str]:
    out: list[str] = []
    for tok in args:
        if tok in ("-U", "-q", "-qq", "-v", "-vv", "--upgrade", "--user", "--no-cache-dir"):
            continue
        out.append(tok)
    return out
