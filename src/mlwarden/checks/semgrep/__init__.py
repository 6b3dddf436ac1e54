"""The `semgrep` hook: mlwarden's ML rule pack (plus maintainers' packs) in one semgrep run.

Python files go to semgrep as they are (other versions than the work tree's are written
to a temporary folder first); notebooks as the shared line-preserving Python view of
their code cells (`core.notebook.code_view`), every finding mapped back to the raw
`.ipynb` line and cell. The rules, their
severities and documentation come from the pack's YAML metadata (`semgrep_pack`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlwarden.core import failclosed, notebook
from mlwarden.core.cache import depends_on
from mlwarden.core.config import Config
from mlwarden.core.findings import Confidence, Finding, HookResult, ScanError, Severity
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.notebook import NotebookView
from mlwarden.core.rules import Rule, RuleDoc
from mlwarden.core.sources import Skipped, Source, on_disk

NAME = "semgrep"

PYTHON_SUFFIXES = frozenset({".py", ".pyw", ".pyi"})
NOTEBOOK_SUFFIX = ".ipynb"
# The pack's generic rules (TorchServe config) read these; semgrep's `paths:` narrows further.
CONFIG_SUFFIXES = frozenset({".properties"})


@dataclass(frozen=True)
class Options:
    """`[tool.mlwarden.semgrep]`.

    `extra_rules`: rule files or folders (relative to the config file's folder) added to
    the built-in pack. `experimental`: use semgrep's fast OCaml CLI, falling back to the
    standard one if it fails. `timeout`: seconds for the whole semgrep process. `jobs`:
    semgrep workers, 0 = one below 100 files, else `--jobs` (every core by default).
    """

    extra_rules: tuple[str, ...] = ()
    experimental: bool = True
    timeout: int = 600
    jobs: int = 0


@dataclass(frozen=True)
class _Target:
    """A file semgrep scans, and how to map its findings back to what the user sees."""

    source: Source
    lines: tuple[str, ...]
    notebook: NotebookView | None = None
    raw_lines: tuple[str, ...] = ()


def _rules() -> tuple[Rule, ...]:
    from mlwarden.checks.semgrep.pack import builtin_pack

    return tuple(entry.rule for entry in builtin_pack())


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    from mlwarden.checks.semgrep.pack import PackError, builtin_pack, pack_dir

    options: Options = ctx.options
    errors: list[ScanError] = []
    try:
        configs = [pack_dir()]
        known = {entry.rule.id: entry.rule for entry in builtin_pack()}
    except PackError as exc:
        return HookResult(errors=(ScanError(".", str(exc), NAME),))
    extra, extra_rules, extra_errors = _extra_configs(ctx.config, options, set(known))
    configs += extra
    errors += extra_errors
    max_bytes = ctx.config.max_file_size
    targets, unjudged = _collect(sources, every_file=bool(extra), max_bytes=max_bytes)
    if not targets:
        return HookResult(findings=tuple(unjudged), errors=tuple(errors))
    with tempfile.TemporaryDirectory(prefix="mlwarden-semgrep-") as tmp:
        by_path: dict[str, _Target] = {}
        for index, target in enumerate(targets):
            if target.notebook is not None:
                # One folder per notebook keeps the original name visible in semgrep errors.
                view_path = Path(tmp) / "nb" / str(index) / (Path(target.source.path).stem + ".py")
                view_path.parent.mkdir(parents=True)
                view_path.write_text(target.notebook.source, encoding="utf-8")
            else:
                view_path = on_disk(target.source, Path(tmp) / "blobs", index)
            by_path[str(view_path)] = target
        findings, scan_errors = _scan(
            options, configs, by_path, known, extra_rules, max_bytes, ctx.jobs
        )
    return HookResult(
        findings=(*findings, *unjudged),
        errors=tuple(errors + scan_errors),
        rules=tuple(extra_rules.values()),
    )


def _collect(
    sources: Sequence[Source], *, every_file: bool, max_bytes: int
) -> tuple[list[_Target], list[Finding]]:
    """The files semgrep should see; maintainers' rules may target any language."""
    targets: list[_Target] = []
    unjudged: list[Finding] = []
    for source in sources:
        suffix = PurePosixPath(source.path).suffix.lower()
        wanted = every_file or suffix in PYTHON_SUFFIXES or suffix in CONFIG_SUFFIXES
        if suffix != NOTEBOOK_SUFFIX and not wanted:
            continue
        if suffix != NOTEBOOK_SUFFIX and source.size > max_bytes:
            unjudged.append(failclosed.too_large(source, source.size, max_bytes, NAME))
            continue
        try:
            text = source.read_text()
        except Skipped:
            continue  # binary: no source code to judge
        if suffix != NOTEBOOK_SUFFIX:
            targets.append(_Target(source, tuple(text.lines)))
            continue
        try:
            view = notebook.code_view(text.text)
        except notebook.NotebookError:
            continue  # not JSON: no cell a kernel could run (the secrets hook reads it as text)
        if len(view.source) > max_bytes:
            unjudged.append(failclosed.too_large(source, len(view.source), max_bytes, NAME))
            continue
        targets.append(_Target(source, tuple(view.source.splitlines()), view, tuple(text.lines)))
    return targets, unjudged


def _extra_configs(
    config: Config, options: Options, builtin_ids: set[str]
) -> tuple[list[Path], dict[str, Rule], list[ScanError]]:
    """Maintainers' rule packs: paths relative to the config file, ids that do not clash."""
    from mlwarden.checks.semgrep.pack import PackError, load_pack

    base = config.root
    configs: list[Path] = []
    rules_by_id: dict[str, Rule] = {}
    errors: list[ScanError] = []
    for entry in options.extra_rules:
        path = Path(entry) if Path(entry).is_absolute() else base / entry
        if not path.exists():
            errors.append(ScanError(entry, "extra-rules path not found", NAME))
            continue
        try:
            pack = load_pack(path)
        except PackError as exc:
            errors.append(ScanError(entry, str(exc), NAME))
            continue
        clashes = sorted({p.rule.id for p in pack} & builtin_ids)
        if clashes:
            errors.append(
                ScanError(
                    entry,
                    f"rule id {', '.join(clashes)} clashes with mlwarden's pack; rename it",
                    NAME,
                )
            )
            continue
        configs.append(path)
        rules_by_id.update({p.rule.id: p.rule for p in pack})
    return configs, rules_by_id, errors


def _scan(
    options: Options,
    configs: list[Path],
    targets: Mapping[str, _Target],
    known: Mapping[str, Rule],
    extra_rules: Mapping[str, Rule],
    max_bytes: int,
    jobs: int,
) -> tuple[tuple[Finding, ...], list[ScanError]]:
    from mlwarden.checks.semgrep.engine import EngineError, EngineOutput, run_semgrep
    from mlwarden.checks.semgrep.pack import short_rule_id

    errors: list[ScanError] = []

    def scan_with(pack: list[Path]) -> EngineOutput:
        return run_semgrep(
            pack,
            list(targets),
            cwd=Path.cwd(),
            experimental=options.experimental,
            max_target_bytes=max_bytes,
            timeout=options.timeout,
            # `--jobs` (every core by default) for big runs; one worker below 100 files,
            # where semgrep's worker start-up costs more than it saves.
            jobs=options.jobs or (jobs if len(targets) >= 100 else 1),
        )

    try:
        output = scan_with(configs)
    except EngineError as exc:
        if len(configs) == 1:
            return (), [ScanError(".", str(exc), NAME)]
        # A broken maintainers' rule must not cost the built-in pack's findings.
        errors.append(ScanError(".", f"extra-rules not used: {exc}", NAME))
        try:
            output = scan_with(configs[:1])
        except EngineError as again:
            return (), [ScanError(".", str(again), NAME)]
    by_path = {os.path.normpath(path): target for path, target in targets.items()}
    findings: list[Finding] = []
    seen: dict[tuple[str, str, str], int] = {}
    for match in output.matches:
        target = targets.get(match.path) or by_path.get(os.path.normpath(match.path))
        if target is None:
            continue
        rule_id = short_rule_id(match.check_id)
        rule = known.get(rule_id) or extra_rules.get(rule_id) or _unknown_rule(rule_id)
        source = target.lines[match.line - 1] if 0 < match.line <= len(target.lines) else ""
        identity = " ".join(source.split())
        key = (rule_id, target.source.path, identity)
        seen[key] = seen.get(key, 0) + 1
        line, column, member, message = _locate(target, match.line, match.column, match.message)
        findings.append(
            target.source.finding(
                rule,
                message or rule.summary,
                line=line,
                column=column,
                member=member,
                identity=(identity, str(seen[key] - 1)),
            )
        )
    for error in output.errors:
        where = error.path or ""
        found = targets.get(where) or by_path.get(os.path.normpath(where)) if where else None
        at = error.line
        if found and found.notebook and at:
            at = found.notebook.raw_position(at)[0]
        text = _error_text(error.kind, at, error.message, in_file=found is not None)
        errors.append(found.source.error(NAME, text) if found else ScanError(".", text, NAME))
    findings.sort(key=Finding.sort_key)
    return tuple(findings), errors


def _unknown_rule(rule_id: str) -> Rule:
    """A rule semgrep reported that no pack we loaded declares (should not happen)."""
    return Rule(
        rule_id,
        rule_id.lower(),
        NAME,
        Severity.MEDIUM,
        Confidence.MEDIUM,
        rule_id,
        RuleDoc(what="", why="", example="", instead=""),
    )


def _error_text(kind: str, line: int | None, message: str, *, in_file: bool) -> str:
    at = f" at line {line}" if line else ""
    if not in_file:  # a rule or configuration problem, not one of the scanned files
        return f"semgrep {kind}: {message}".replace(f"{kind}: {kind}", kind)
    if "pars" in kind.lower() or "syntax" in kind.lower() or "lexical" in kind.lower():
        return f"semgrep could not parse the code{at} (syntax error); findings may be incomplete"
    if "timeout" in kind.lower():
        return f"semgrep timed out on this file ({kind}); findings may be incomplete"
    return f"semgrep {kind}{at}: {message}"


def _locate(
    target: _Target, line: int, column: int, message: str
) -> tuple[int, int, str | None, str]:
    """(line, column, member, message) as the user's file shows them."""
    if target.notebook is None:
        return line, column, None, message
    raw_line, cell = target.notebook.raw_position(line)
    raw_column = target.notebook.raw_column(line, column, target.raw_lines)
    return raw_line, raw_column, f"cell {cell}", f"{message} (cell {cell})"


def rules_test_main(argv: Sequence[str] | None = None) -> int:
    """`mlwarden rules test [PATH]`: run a pack's `# ruleid:`/`# ok:` tests."""
    from mlwarden.checks.semgrep.packtest import main as packtest_main

    return packtest_main(argv)


def _cache_key(ctx: HookContext) -> str:
    """Results depend on the options, the size bound, semgrep's version and the
    maintainers' extra rule files (the built-in pack is part of mlwarden's own code)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        engine = version("semgrep")
    except PackageNotFoundError:
        engine = "?"
    extra = []
    for entry in ctx.options.extra_rules:
        path = Path(entry) if Path(entry).is_absolute() else ctx.config.root / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        extra += [(str(f), f.read_bytes().hex()) for f in files if f.is_file()]
    return depends_on(ctx.options, ctx.config.max_file_size, engine, extra)


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run, cache_key=_cache_key)
