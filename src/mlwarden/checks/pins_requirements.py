"""requirements*.txt / constraints*.txt: parse once, follow `-r`/`-c`, check each line.

Logical lines follow pip's own preprocessing (backslash continuations joined onto the
first line's number, then ` #` comments stripped), so findings land on the line where
the requirement starts.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlwarden.checks.pins_common import Options, Sink, check_index_url, is_remote, read, redact
from mlwarden.checks.pins_specs import BadRequirement, SpecChecker

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
MAX_INCLUDE_DEPTH = 50


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


def split_tokens(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


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


def check_index_option(
    sink: Sink, options: Options, path: str, line: int, name: str, value: str
) -> None:
    """Index options, shared with `pip install` command lines."""
    if name == "--trusted-host":
        sink.add(
            "PIN004",
            path,
            line,
            f"--trusted-host {value} turns off TLS verification for that host: "
            "remove it and serve the index over https",
            f"trusted-host:{value}",
        )
        return
    extra = name == "--extra-index-url" or (name == "--find-links" and is_remote(value))
    check_index_url(sink, options, path, line, value, kind=name, extra=extra)


@dataclass
class RequirementsScan:
    """Reads and checks every requirements file once, following includes."""

    root: Path
    max_bytes: int
    sink: Sink
    specs: SpecChecker
    parsed: dict[str, ParsedFile | None] = field(default_factory=dict)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)

    def run(self, paths: list[str]) -> None:
        for path in paths:
            self._visit(path, [])
        self._check_all()

    def _visit(self, path: str, stack: list[str]) -> None:
        if path in self.parsed:
            return
        text = read(path, self.root, self.max_bytes, self.sink)
        parsed = parse(path, text) if text is not None else None
        self.parsed[path] = parsed
        if parsed is None:
            return
        stack = [*stack, path]
        for inc in parsed.includes:
            target = self._resolve(path, inc)
            if target is None:
                continue
            self.edges.append((path, target, inc.constraint))
            if target in stack:
                cycle = " -> ".join([*stack[stack.index(target) :], target])
                self.sink.error(path, f"line {inc.line}: circular include {cycle}; not followed")
            elif len(stack) >= MAX_INCLUDE_DEPTH:
                self.sink.error(path, f"line {inc.line}: includes nested too deep; not followed")
            else:
                self._visit(target, stack)

    def _resolve(self, path: str, inc: Include) -> str | None:
        option = "-c" if inc.constraint else "-r"
        if is_remote(inc.target):
            self.specs.sink.add(
                "PIN008",
                path,
                inc.line,
                f"{option} {redact(inc.target)} pulls a requirement list from a URL that can "
                "change at any time: keep a copy in the repository and include that",
                inc.target,
            )
            return None
        if "$" in inc.target:
            return None  # environment-dependent; pip expands it at install time
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), inc.target))
        try:
            inside = (Path.cwd() / target).resolve().is_relative_to(self.root.resolve())
        except OSError:
            inside = False
        if not inside:
            self.sink.error(
                path, f"line {inc.line}: {option} {inc.target} leaves the repository; not followed"
            )
            return None
        if not Path(target).is_file():
            self.sink.error(path, f"line {inc.line}: {option} {inc.target}: file not found")
            return None
        return target

    def _constraint_pins(self) -> dict[str, frozenset[str]]:
        """Names pinned by `-c` files, shared within each connected include graph."""
        parent = {p: p for p in self.parsed}

        def find(p: str) -> str:
            while parent[p] != p:
                parent[p] = parent[parent[p]]
                p = parent[p]
            return p

        for a, b, _ in self.edges:
            parent[find(a)] = find(b)
        pins: dict[str, set[str]] = {}
        for _, target, constraint in self.edges:
            parsed = self.parsed.get(target)
            if constraint and parsed is not None:
                bucket = pins.setdefault(find(target), set())
                bucket.update(self._pinned_names(parsed))
        return {p: frozenset(pins.get(find(p), ())) for p in self.parsed}

    @staticmethod
    def _pinned_names(parsed: ParsedFile) -> set[str]:
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.utils import canonicalize_name

        from mlwarden.checks.pins_specs import is_pinned

        names: set[str] = set()
        for entry in parsed.entries:
            try:
                req = Requirement(entry.spec)
            except InvalidRequirement:
                continue
            if is_pinned(req):
                names.add(canonicalize_name(req.name))
        return names

    def _check_all(self) -> None:
        constrained = self._constraint_pins()
        for path, parsed in self.parsed.items():
            if parsed is not None:
                self._check_file(parsed, constrained.get(path, frozenset()))

    def _check_file(self, parsed: ParsedFile, constrained: frozenset[str]) -> None:
        sink, options, path = self.sink, self.specs.options, parsed.path
        for line, name, value in parsed.index_options:
            check_index_option(sink, options, path, line, name, value)
        # pip-compile inputs (*.in) are meant to hold ranges; constraints need no hashes.
        compile_input = path.endswith(".in")
        bad: list[tuple[int, str]] = []
        unhashed: list[tuple[int, str]] = []
        for entry in parsed.editables:
            try:
                self.specs.check(path, entry.line, entry.spec, pin_rule=None)
            except BadRequirement as exc:
                bad.append((entry.line, str(exc)))
        enforce = options.require_hashes or parsed.require_hashes
        enforce = enforce or any(e.hashed for e in parsed.entries)
        for entry in parsed.entries:
            try:
                spec = self.specs.check(
                    path,
                    entry.line,
                    entry.spec,
                    hashed=entry.hashed,
                    pin_rule=None if compile_input else "PIN001",
                    pinned_elsewhere=constrained,
                )
            except BadRequirement as exc:
                bad.append((entry.line, str(exc)))
                continue
            if spec.kind == "index" and not entry.hashed:
                unhashed.append((entry.line, spec.name or entry.spec))
        if bad:
            line, reason = bad[0]
            more = f" (and {len(bad) - 1} more lines)" if len(bad) > 1 else ""
            sink.error(path, f"line {line}: not a valid requirement: {reason}{more}")
        if compile_input or "constraint" in posixpath.basename(path) or not unhashed:
            return
        self._report_hashes(path, unhashed, enforce)

    def _report_hashes(self, path: str, unhashed: list[tuple[int, str]], enforce: bool) -> None:
        from mlwarden.findings import Severity

        if enforce:
            for line, name in unhashed:
                self.sink.add(
                    "PIN002",
                    path,
                    line,
                    f"`{name}` has no --hash: hash-checking mode is on, add "
                    "`--hash=sha256:<digest>` (`pip-compile --generate-hashes`)",
                    name,
                    severity=Severity.MEDIUM,
                )
            return
        line, name = unhashed[0]
        self.sink.add(
            "PIN002",
            path,
            line,
            f"{len(unhashed)} requirement(s) have no --hash (first: `{name}`): generate them "
            "with `uv pip compile --generate-hashes` or `pip-compile --generate-hashes`; "
            "set `require-hashes = true` to enforce",
            "file",
        )
