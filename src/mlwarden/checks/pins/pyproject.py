"""pyproject.toml: dependencies against the lock file, and package index settings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from mlwarden.checks.pins.common import check_index_url, is_remote, read
from mlwarden.checks.pins.lock import find_lock, locked_versions, parse_toml
from mlwarden.checks.pins.specs import BadRequirement, SpecChecker, is_pinned, short
from mlwarden.core.sources import Snapshot

_UNSAFE_STRATEGIES = ("unsafe-best-match", "unsafe-first-match")


class Lines:
    """tomllib gives no positions: find a value's line by its text, after a table header."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def header(self, table: str) -> int:
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*(#.*)?$")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return 0

    def find(self, needle: str, start: int = 0, *, quoted: bool = True) -> int:
        """1-based line of the first occurrence after line `start` (whole file if not found)."""
        probes = (f'"{needle}"', f"'{needle}'") if quoted else (needle,)
        for begin in (start, 0):
            for number in range(begin + 1, len(self.lines) + 1):
                text = self.lines[number - 1]
                if any(p in text for p in probes):
                    return number
        return max(start, 1)


def _deps(data: dict[str, Any], lines: Lines) -> Iterator[tuple[str, int]]:
    """(PEP 508 string, line) for project, optional and dependency-group requirements."""
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(project, dict)
    start = lines.header("project")
    for dep in project.get("dependencies", []) or []:
        if isinstance(dep, str):
            yield dep, lines.find(dep, start)
    optional = project.get("optional-dependencies", {})
    start = lines.header("project.optional-dependencies") or start
    for group in optional.values() if isinstance(optional, dict) else []:
        for dep in group if isinstance(group, list) else []:
            if isinstance(dep, str):
                yield dep, lines.find(dep, start)
    groups = data.get("dependency-groups", {})
    start = lines.header("dependency-groups")
    for group in groups.values() if isinstance(groups, dict) else []:
        for dep in group if isinstance(group, list) else []:
            if isinstance(dep, str):
                yield dep, lines.find(dep, start)


def scan(path: str, files: Snapshot, max_bytes: int, specs: SpecChecker) -> None:
    sink = specs.sink
    text = read(path, files, max_bytes, sink)
    if text is None:
        return
    try:
        data = parse_toml(text)
    except ValueError as exc:
        sink.error(path, str(exc))
        return
    lines = Lines(text)
    _check_dependencies(path, files, max_bytes, specs, data, lines)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    assert isinstance(tool, dict)
    _check_uv(path, specs, tool.get("uv"), lines)
    poetry = tool.get("poetry")
    sources = poetry.get("source", []) if isinstance(poetry, dict) else []
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, dict) and isinstance(source.get("url"), str):
            explicit = source.get("priority") == "explicit"
            _index(specs, path, lines, source["url"], "[[tool.poetry.source]]", extra=not explicit)
    pdm = tool.get("pdm")
    pdm_sources = pdm.get("source", []) if isinstance(pdm, dict) else []
    for source in pdm_sources if isinstance(pdm_sources, list) else []:
        if not isinstance(source, dict) or not isinstance(source.get("url"), str):
            continue
        url = source["url"]
        restricted = bool(source.get("include_packages")) or source.get("name") == "pypi"
        _index(specs, path, lines, url, "[[tool.pdm.source]]", extra=not restricted)
        if source.get("verify_ssl") is False:
            line = lines.find("verify_ssl", lines.find(url), quoted=False)
            sink.add(
                "PIN004",
                path,
                line,
                "[[tool.pdm.source]] verify_ssl = false turns off TLS checks: remove it",
                f"pdm-verify:{url}",
            )


def _index(
    specs: SpecChecker, path: str, lines: Lines, url: str, kind: str, *, extra: bool
) -> None:
    check_index_url(specs.sink, specs.options, path, lines.find(url), url, kind=kind, extra=extra)


def _check_uv_indexes(
    path: str, specs: SpecChecker, uv: dict[str, Any], lines: Lines, table: str
) -> None:
    """Index settings shared by `[tool.uv]` and `[tool.uv.pip]`."""
    start = lines.header(table)
    if isinstance(uv.get("index-url"), str):
        _index(specs, path, lines, uv["index-url"], f"[{table}] index-url", extra=False)
    for key in ("extra-index-url", "find-links"):
        values = uv.get(key, [])
        urls = [values] if isinstance(values, str) else values if isinstance(values, list) else []
        for url in urls:
            if isinstance(url, str):
                _index(specs, path, lines, url, f"[{table}] {key}", extra=is_remote(url))
    strategy = uv.get("index-strategy")
    if strategy in _UNSAFE_STRATEGIES:
        specs.sink.add(
            "PIN011",
            path,
            lines.find("index-strategy", start, quoted=False),
            f'index-strategy = "{strategy}" lets any index supply any package (dependency '
            "confusion): remove it and pin private packages with `explicit = true` indexes",
            f"{table}:{strategy}",
        )


def _check_uv(path: str, specs: SpecChecker, uv: Any, lines: Lines) -> None:
    if not isinstance(uv, dict):
        return
    start = lines.header("tool.uv")
    _check_uv_indexes(path, specs, uv, lines, "tool.uv")
    if isinstance(uv.get("pip"), dict):
        _check_uv_indexes(path, specs, uv["pip"], lines, "tool.uv.pip")
    for index in uv.get("index", []) if isinstance(uv.get("index"), list) else []:
        if isinstance(index, dict) and isinstance(index.get("url"), str):
            safe = bool(index.get("explicit")) or bool(index.get("default"))
            _index(specs, path, lines, index["url"], "[[tool.uv.index]]", extra=not safe)
    hosts = uv.get("allow-insecure-host", [])
    for host in hosts if isinstance(hosts, list) else []:
        specs.sink.add(
            "PIN004",
            path,
            lines.find(str(host), start),
            f"allow-insecure-host {host} turns off TLS verification: remove it",
            f"insecure-host:{host}",
        )
    sources = uv.get("sources", {})
    for name, source in sources.items() if isinstance(sources, dict) else []:
        for entry in source if isinstance(source, list) else [source]:
            if isinstance(entry, dict) and isinstance(entry.get("git"), str):
                _check_uv_git(path, specs, lines, str(name), entry)


def _check_uv_git(
    path: str, specs: SpecChecker, lines: Lines, name: str, entry: dict[str, Any]
) -> None:
    rev = entry.get("rev")
    if isinstance(rev, str) and re.fullmatch(r"[0-9a-fA-F]{40}", rev):
        return
    what = next((f"{k} = {entry[k]!r}" for k in ("branch", "tag", "rev") if k in entry), "no rev")
    specs.sink.add(
        "PIN006",
        path,
        lines.find(entry["git"]),
        f"[tool.uv.sources] `{name}` follows git with {what}: use "
        '`rev = "<full 40-character commit SHA>"`',
        f"uv-source:{name}",
    )


def _check_dependencies(
    path: str,
    files: Snapshot,
    max_bytes: int,
    specs: SpecChecker,
    data: dict[str, Any],
    lines: Lines,
) -> None:
    project = data.get("project")
    own = canonicalize_name(str(project.get("name", ""))) if isinstance(project, dict) else ""
    ranged: list[tuple[Requirement, int]] = []
    for dep, line in _deps(data, lines):
        try:
            spec = specs.check(path, line, dep, pin_rule=None)
            req = Requirement(dep)
        except (BadRequirement, InvalidRequirement) as exc:
            specs.sink.error(path, f"line {line}: not a valid dependency {short(dep)!r}: {exc}")
            continue
        if spec.kind == "index" and canonicalize_name(req.name) != own:
            ranged.append((req, line))
    if not ranged:
        return
    lock = find_lock(path, files)
    if lock is None:
        unpinned = [req for req, _ in ranged if not is_pinned(req)]
        if unpinned:
            first_line = min(line for req, line in ranged if not is_pinned(req))
            names = ", ".join(f"`{r.name}`" for r in unpinned[:3])
            more = f" and {len(unpinned) - 3} more" if len(unpinned) > 3 else ""
            specs.sink.add(
                "PIN009",
                path,
                first_line,
                f"{len(unpinned)} dependencies use version ranges ({names}{more}) and no lock "
                "file sits beside pyproject.toml: run `uv lock` (or `poetry lock`, `pdm lock`) "
                "and commit the lock file",
                "no-lock",
            )
        return
    locked = locked_versions(lock, files, max_bytes, specs.sink)
    if locked is None:
        return
    for req, line in ranged:
        _check_locked(path, specs, lock, locked, req, line)


def _check_locked(
    path: str,
    specs: SpecChecker,
    lock: str,
    locked: dict[str, set[str]],
    req: Requirement,
    line: int,
) -> None:
    name = canonicalize_name(req.name)
    versions = locked.get(name)
    if versions is None:
        if req.marker is not None:
            return  # platform-specific: some lock formats leave it out
        specs.sink.add(
            "PIN010",
            path,
            line,
            f"`{req.name}` is not in {lock}: the lock is stale; run `uv lock` (or `poetry lock`, "
            "`pdm lock`) and commit it",
            f"missing:{name}",
        )
        return
    if not str(req.specifier) or "" in versions:
        return
    for version in versions:
        try:
            if req.specifier.contains(Version(version), prereleases=True):
                return
        except InvalidVersion:
            return
    shown = ", ".join(sorted(versions))
    specs.sink.add(
        "PIN010",
        path,
        line,
        f"`{req.name}{req.specifier}` is locked at {shown} in {lock}, outside the range: the "
        "lock is stale; run `uv lock` (or `poetry lock`, `pdm lock`) and commit it",
        f"stale:{name}",
    )
