"""Dockerfiles: base images by digest, pinned `pip install`, no `curl | sh`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlwarden.checks.pins.common import read
from mlwarden.checks.pins.requirements import check_index_option
from mlwarden.checks.pins.shell import (
    INDEX_ENV,
    check_shell,
    locate,
    unsafe_strategy_message,
)
from mlwarden.checks.pins.specs import SpecChecker
from mlwarden.core.shell import pipe_to_shell, split_tokens
from mlwarden.core.sources import Snapshot

_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s+(.*)$", re.DOTALL)
_ESCAPE = re.compile(r"^#\s*escape\s*=\s*(\S)", re.IGNORECASE)


Instruction = tuple[int, str, str, list[tuple[int, str]]]


def instructions(text: str) -> Iterator[Instruction]:
    """(first line, KEYWORD, arguments, physical lines) with continuations joined.

    Comment and blank lines inside a continued instruction are dropped, as Docker does.
    """
    escape = "\\"
    pending: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number == 1 and (match := _ESCAPE.match(line)):
            escape = match.group(1)
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith(escape):
            pending.append((number, stripped[:-1]))
            continue
        pending.append((number, stripped))
        yield from _instruction(pending)
        pending = []
    yield from _instruction(pending)


def _instruction(physical: list[tuple[int, str]]) -> Iterator[Instruction]:
    if not physical:
        return
    match = _INSTRUCTION.match(" ".join(text for _, text in physical))
    if match:
        # The first physical line without its keyword, so lines hold only the arguments.
        first_no, first_text = physical[0]
        rest = first_text.strip()[len(match.group(1)) :]
        lines = [(first_no, rest), *physical[1:]]
        yield first_no, match.group(1).upper(), match.group(2), lines


def scan(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> None:
    text = read(path, files, max_bytes, specs.sink)
    if text is None:
        return
    stages: set[str] = set()
    # Defaults of the ARGs before the first FROM: the only ones a FROM line can use.
    build_args: dict[str, str] = {}
    seen_from = False
    for line, keyword, args, physical in instructions(text):
        if keyword == "FROM":
            seen_from = True
            _check_from(path, line, args, stages, build_args, specs)
        elif keyword == "RUN":
            _check_run(path, line, args, physical, specs)
        elif keyword in ("ENV", "ARG"):
            _check_env(path, physical, args, specs)
            if keyword == "ARG" and not seen_from:
                build_args.update(_defaults(args))


def _defaults(args: str) -> dict[str, str]:
    """`ARG BASE=python:3.12 TAG` -> {"BASE": "python:3.12"}: only names with a default."""
    return {
        word.partition("=")[0]: word.partition("=")[2]
        for word in split_tokens(args)
        if "=" in word and word.partition("=")[2]
    }


_ARG_REF = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


def _expand(image: str, build_args: dict[str, str]) -> str | None:
    """The image with build arguments replaced by their defaults, as `docker build` does
    without `--build-arg`; None when one has no default (the build command chooses)."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1) or match.group(3)
        if name in build_args:
            return build_args[name]
        if match.group(2) is not None and "-" in match.group(0):
            return match.group(2)  # `${TAG:-3.12}`
        missing = True
        return ""

    expanded = _ARG_REF.sub(value, image)
    return None if missing or "$" in expanded else expanded


def _check_from(
    path: str,
    line: int,
    args: str,
    stages: set[str],
    build_args: dict[str, str],
    specs: SpecChecker,
) -> None:
    words = [w for w in args.split() if not w.startswith("--")]
    if not words:
        return
    written = words[0]
    if len(words) >= 3 and words[1].lower() == "as":
        stages.add(words[2].lower())
    image = _expand(written, build_args) if "$" in written else written
    if image is None or image.lower() in stages or image.lower() == "scratch":
        return
    if "@sha256:" in image:
        return
    shown = f"`{written}` (= `{image}` with the ARG defaults)" if image != written else f"`{image}`"
    specs.sink.add(
        "PIN014",
        path,
        line,
        f"base image {shown} is not pinned by digest: use `{image}@sha256:<digest>` "
        "(`docker buildx imagetools inspect` prints it) and let Dependabot/Renovate bump it",
        image,
    )


def _check_env(path: str, physical: list[tuple[int, str]], args: str, specs: SpecChecker) -> None:
    words = split_tokens(args)
    pairs: list[tuple[str, str]] = []
    if len(words) >= 2 and "=" not in words[0]:
        pairs.append((words[0], " ".join(words[1:])))  # legacy `ENV KEY value`
    else:
        pairs.extend((w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w)
    for key, value in pairs:
        if key == "UV_INDEX_STRATEGY" and value.startswith("unsafe-"):
            specs.sink.add(
                "PIN011",
                path,
                locate(physical, key),
                unsafe_strategy_message(f"`{key}={value}`"),
                f"strategy:{value}",
            )
        option = INDEX_ENV.get(key)
        if option is None or "$" in value:
            continue
        for url in value.replace(",", " ").split():
            check_index_option(specs.sink, specs.options, path, locate(physical, key), option, url)


def _check_run(
    path: str, line: int, args: str, physical: list[tuple[int, str]], specs: SpecChecker
) -> None:
    if args.lstrip().startswith("["):
        # exec form: ["pip", "install", "x"] -> plain words
        args = " ".join(re.findall(r'"((?:[^"\\]|\\.)*)"', args))
        physical = [(line, args)]
    if pipe_to_shell(args):
        # The line with the whole pipe, else the one that downloads (`curl … \` then `| sh`).
        where = next((n for n, t in physical if pipe_to_shell(t)), 0) or next(
            (n for n, t in physical if re.search(r"\b(?:curl|wget)\b", t)), line
        )
        specs.sink.add(
            "PIN016",
            path,
            where,
            "a download is piped into a shell: fetch it with `ADD --checksum=sha256:<digest> "
            "<url> <dest>` (or verify with sha256sum) and run the checked file",
            re.sub(r"\s+", " ", args.strip())[:200],
        )
    # Each physical line is one piece of the same command: join them back for the shell.
    check_shell(specs, path, [(n, t + " \\") for n, t in physical[:-1]] + physical[-1:])
