"""requirements*.txt / constraints*.txt: parse once, follow `-r`/`-c`, check each line."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from mlwarden.checks.pins.common import Options, Sink, check_index_url, is_remote, read, redact
from mlwarden.checks.pins.reqfile import Include, ParsedFile, parse
from mlwarden.checks.pins.specs import BadRequirement, SpecChecker, is_pinned, short
from mlwarden.core.findings import Severity
from mlwarden.core.sources import Snapshot

MAX_INCLUDE_DEPTH = 50


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

    files: Snapshot
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
        text = read(path, self.files, self.max_bytes, self.sink)
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
        if target == ".." or target.startswith(("../", "/")):
            self.sink.error(
                path, f"line {inc.line}: {option} {inc.target} leaves the repository; not followed"
            )
            return None
        if not self.files.exists(target):
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
                bad.append((entry.line, short(str(exc), 160)))
                continue
            if spec.kind == "index" and not entry.hashed:
                unhashed.append((entry.line, short(spec.name or entry.spec)))
        if bad:
            line, reason = bad[0]
            more = f" (and {len(bad) - 1} more lines)" if len(bad) > 1 else ""
            sink.error(path, f"line {line}: not a valid requirement: {reason}{more}")
        if compile_input or "constraint" in posixpath.basename(path) or not unhashed:
            return
        self._report_hashes(path, unhashed, enforce)

    def _report_hashes(self, path: str, unhashed: list[tuple[int, str]], enforce: bool) -> None:
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
