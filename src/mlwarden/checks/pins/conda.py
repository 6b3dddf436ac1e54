"""conda environment files: channels, conda specs and the `pip:` section."""

from __future__ import annotations

import posixpath
import re

import yaml

from mlwarden.checks.pins.common import check_index_url, read, redact
from mlwarden.checks.pins.reqfile import iter_options
from mlwarden.checks.pins.requirements import check_index_option
from mlwarden.checks.pins.specs import BadRequirement, SpecChecker
from mlwarden.core import yamlpos as y
from mlwarden.core.shell import split_tokens
from mlwarden.core.sources import Snapshot

# name, then an optional version part: "numpy=1.26.4=py311h", "numpy 1.26.4", "numpy>=1.2"
_SPEC = re.compile(r"^\s*(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<rest>.*?)\s*$")
_EXACT = re.compile(r"^(==?)?\s*(?P<version>[0-9][0-9A-Za-z_.+!]*)(\s*=\s*\S+|\s+\S+)?$")


def channel_name(channel: str) -> str:
    """`https://conda.anaconda.org/conda-forge/` -> `conda-forge`; names stay as they are."""
    text = channel.strip().rstrip("/")
    if "://" in text:
        host_path = text.split("://", 1)[1]
        if host_path.split("/", 1)[0].lower() in ("conda.anaconda.org", "anaconda.org"):
            return host_path.rsplit("/", 1)[-1]
        return text
    return text


def _channel_allowed(channel: str, allowed: tuple[str, ...]) -> bool:
    name = channel_name(channel)
    return name == "nodefaults" or name in allowed or channel.strip().rstrip("/") in allowed


def conda_pinned(rest: str) -> bool:
    """`==1.2`, `=1.2.3`, `1.2.3`, `=1.2.3=build` pin; `=1.2` is conda's fuzzy 1.2.* match."""
    match = _EXACT.match(rest.strip())
    if not match:
        return False
    version = match.group("version")
    return match.group(1) == "==" or version.count(".") >= 2 or bool(match.group(3))


def scan(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> list[str]:
    """Check one environment file; returns requirement files its `pip:` section includes."""
    sink = specs.sink
    text = read(path, files, max_bytes, sink)
    if text is None:
        return []
    try:
        docs = y.compose_all(text)
    except y.YamlError as exc:
        sink.error(path, str(exc))
        return []
    includes: list[str] = []
    for doc in docs:
        for node in y.seq(y.get(doc, "channels")):
            channel = y.scalar(node)
            if channel:
                _check_channel(specs, path, y.line(node), channel)
        for node in y.seq(y.get(doc, "dependencies")):
            value = y.scalar(node)
            if value is not None:
                _check_conda_spec(specs, path, y.line(node), value)
                continue
            for entry in y.seq(y.get(node, "pip")):
                includes += _check_pip_entry(specs, path, entry)
    return includes


def _check_channel(specs: SpecChecker, path: str, line: int, channel: str) -> None:
    sink, options = specs.sink, specs.options
    if "://" in channel:
        check_index_url(sink, options, path, line, channel, kind="channel", extra=False)
    if not _channel_allowed(channel, options.allowed_channels):
        sink.add(
            "PIN012",
            path,
            line,
            f"conda channel `{redact(channel)}` is not in allowed-channels "
            f"({', '.join(options.allowed_channels) or 'none'}): use one of them, or add it to "
            "`allowed-channels` in [tool.mlwarden.pins]",
            channel_name(channel),
        )


def _check_conda_spec(specs: SpecChecker, path: str, line: int, value: str) -> None:
    spec = value.strip()
    if "::" in spec:
        channel, spec = spec.split("::", 1)
        _check_channel(specs, path, line, channel)
    name, bracket, inside = spec.partition("[")
    if bracket:
        # numpy[version='1.26.4', build=...]: only an exact three-part version pins.
        version = re.search(r"version\s*=\s*['\"]?(==)?([^'\",\]]+)", inside)
        rest = version.group(2).strip() if version else ""
        spec = f"{name.strip()} {rest}"
    match = _SPEC.match(spec)
    if not match:
        return
    name, rest = match.group("name"), match.group("rest")
    if conda_pinned(rest):
        return
    specs.sink.add(
        "PIN013",
        path,
        line,
        f"conda package `{value.strip()}` has no exact version: pin it as "
        f"`{name}=<major.minor.patch>` (or lock the environment with `conda-lock`)",
        f"{name}|{rest}",
    )


def _check_pip_entry(specs: SpecChecker, path: str, node: yaml.Node) -> list[str]:
    value = y.scalar(node)
    if value is None:
        return []
    line = y.line(node)
    text = value.strip()
    if not text.startswith("-"):
        try:
            specs.check(path, line, text, where=" in the conda pip: section")
        except BadRequirement as exc:
            specs.sink.error(path, f"line {line}: not a valid pip requirement: {exc}")
        return []
    includes: list[str] = []
    for name, arg in iter_options(split_tokens(text)):
        if name in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host"):
            check_index_option(specs.sink, specs.options, path, line, name, arg or "")
        elif name in ("--requirement", "--constraint") and arg and "://" in arg:
            specs.sink.add(
                "PIN008",
                path,
                line,
                f"{name} {redact(arg)} pulls a requirement list from a URL that can change at "
                "any time: keep a copy in the repository and include that",
                arg,
            )
        elif name in ("--requirement", "--constraint") and arg:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), arg))
            if specs.sink.files.exists(target):
                includes.append(target)
    return includes
