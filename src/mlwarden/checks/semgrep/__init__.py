"""The `semgrep` hook: mlwarden's ML rule pack (plus maintainers' packs) in one semgrep run.

Python files go to semgrep as they are; notebooks are turned into a line-preserving
Python view of their code cells (magics neutralised), scanned from a temporary folder,
and every finding is mapped back to the raw `.ipynb` line and cell. The rules, their
severities and documentation come from the pack's YAML metadata (`semgrep_pack`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlwarden.core.config import Config
from mlwarden.core.files import NotebookError, NotebookView, Skipped, notebook_code_view, read_text
from mlwarden.core.findings import (
    Confidence,
    Finding,
    HookResult,
    Location,
    ScanError,
    Severity,
    make_fingerprint,
)
from mlwarden.core.hooks import Hook, ScanContext
from mlwarden.core.rules import Rule

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
    semgrep workers, 0 = one below 100 files, else half the CPUs (at most 4).
    """

    extra_rules: tuple[str, ...] = ()
    experimental: bool = True
    timeout: int = 600
    jobs: int = 0


@dataclass(frozen=True)
class _Target:
    """A file semgrep scans, and how to map its findings back to what the user sees."""

    path: str
    lines: tuple[str, ...]
    notebook: NotebookView | None = None
    raw_lines: tuple[str, ...] = ()


def _rules() -> tuple[Rule, ...]:
    from mlwarden.checks.semgrep.pack import builtin_pack

    return tuple(entry.rule for entry in builtin_pack())


def configured_rules(config: Config) -> tuple[Rule, ...]:
    """The pack's rules plus the maintainers' `extra-rules` (for SARIF rule metadata)."""
    options = config.options(NAME, Options)
    ctx = ScanContext(config.root, (), config)
    _, extra, _ = _extra_configs(ctx, options, {rule.id for rule in _rules()})
    return (*_rules(), *extra.values())


def run(ctx: ScanContext, options: Options) -> HookResult:
    from mlwarden.checks.semgrep.pack import PackError, builtin_pack, pack_dir

    errors: list[ScanError] = []
    try:
        configs = [pack_dir()]
        known = {entry.rule.id: entry.rule for entry in builtin_pack()}
    except PackError as exc:
        return HookResult(errors=(ScanError(".", str(exc), NAME),))
    extra, extra_rules, extra_errors = _extra_configs(ctx, options, set(known))
    configs += extra
    errors += extra_errors
    plain, notebooks, read_errors = _collect(ctx, every_file=bool(extra))
    errors += read_errors
    if not plain and not notebooks:
        return HookResult(errors=tuple(errors))
    with tempfile.TemporaryDirectory(prefix="mlwarden-semgrep-") as tmp:
        targets = dict(plain)
        for index, (target, view) in enumerate(notebooks):
            # One folder per notebook keeps the original name visible in semgrep errors.
            view_path = Path(tmp) / str(index) / (PurePosixPath(target.path).stem + ".py")
            view_path.parent.mkdir()
            view_path.write_text(view.source, encoding="utf-8")
            targets[str(view_path)] = target
        findings, scan_errors = _scan(ctx, options, configs, targets, known, extra_rules)
    return HookResult(findings=findings, errors=tuple(errors + scan_errors))


def _collect(
    ctx: ScanContext, *, every_file: bool
) -> tuple[dict[str, _Target], list[tuple[_Target, NotebookView]], list[ScanError]]:
    """The files semgrep should see; maintainers' rules may target any language."""
    plain: dict[str, _Target] = {}
    notebooks: list[tuple[_Target, NotebookView]] = []
    errors: list[ScanError] = []
    for path in ctx.files:
        suffix = PurePosixPath(path).suffix.lower()
        wanted = every_file or suffix in PYTHON_SUFFIXES or suffix in CONFIG_SUFFIXES
        if suffix != NOTEBOOK_SUFFIX and not wanted:
            continue
        try:
            text = read_text(path, max_bytes=ctx.config.max_file_size, root=ctx.root)
        except Skipped as exc:
            if not exc.quiet:
                errors.append(exc.as_error(NAME))
            continue
        if suffix != NOTEBOOK_SUFFIX:
            plain[path] = _Target(path, tuple(text.lines))
            continue
        try:
            view = notebook_code_view(text.text)
        except NotebookError as exc:
            errors.append(ScanError(path, f"malformed notebook: {exc}", NAME))
            continue
        target = _Target(path, tuple(view.source.splitlines()), view, tuple(text.lines))
        notebooks.append((target, view))
    return plain, notebooks, errors


def _extra_configs(
    ctx: ScanContext, options: Options, builtin_ids: set[str]
) -> tuple[list[Path], dict[str, Rule], list[ScanError]]:
    """Maintainers' rule packs: paths relative to the config file, ids that do not clash."""
    from mlwarden.checks.semgrep.pack import PackError, load_pack

    base = ctx.config.source.parent if ctx.config.source else ctx.config.root
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
    ctx: ScanContext,
    options: Options,
    configs: list[Path],
    targets: Mapping[str, _Target],
    known: Mapping[str, Rule],
    extra_rules: Mapping[str, Rule],
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
            max_target_bytes=ctx.config.max_file_size,
            timeout=options.timeout,
            jobs=options.jobs,
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
        rule = known.get(rule_id) or extra_rules.get(rule_id)
        severity = rule.severity if rule else Severity.MEDIUM
        confidence = rule.confidence if rule else Confidence.MEDIUM
        source = target.lines[match.line - 1] if 0 < match.line <= len(target.lines) else ""
        identity = " ".join(source.split())
        occurrence = seen.get((rule_id, target.path, identity), 0)
        seen[(rule_id, target.path, identity)] = occurrence + 1
        location, message = _locate(target, match.line, match.column, match.message)
        findings.append(
            Finding(
                rule_id=rule_id,
                message=message or (rule.summary if rule else rule_id),
                location=location,
                severity=severity,
                confidence=confidence,
                fingerprint=make_fingerprint(rule_id, target.path, identity, str(occurrence)),
                hook=NAME,
            )
        )
    for error in output.errors:
        target = targets.get(error.path or "")
        line = error.line
        if target and target.notebook and line:
            line = target.notebook.raw_position(line)[0]
        errors.append(
            ScanError(
                target.path if target else (error.path or "."),
                _error_text(error.kind, line, error.message, in_file=target is not None),
                NAME,
            )
        )
    findings.sort(key=Finding.sort_key)
    return tuple(findings), errors


def _error_text(kind: str, line: int | None, message: str, *, in_file: bool) -> str:
    at = f" at line {line}" if line else ""
    if not in_file:  # a rule or configuration problem, not one of the scanned files
        return f"semgrep {kind}: {message}".replace(f"{kind}: {kind}", kind)
    if "pars" in kind.lower() or "syntax" in kind.lower() or "lexical" in kind.lower():
        return f"semgrep could not parse the code{at} (syntax error); findings may be incomplete"
    if "timeout" in kind.lower():
        return f"semgrep timed out on this file ({kind}); findings may be incomplete"
    return f"semgrep {kind}{at}: {message}"


def _locate(target: _Target, line: int, column: int, message: str) -> tuple[Location, str]:
    if target.notebook is None:
        return Location(target.path, line, column), message
    raw_line, cell = target.notebook.raw_position(line)
    raw_text = target.raw_lines[raw_line - 1] if 0 < raw_line <= len(target.raw_lines) else ""
    view_text = target.lines[line - 1] if 0 < line <= len(target.lines) else ""
    # The code sits inside a JSON string on the raw line: shift by where that string starts.
    encoded = json.dumps(view_text)[1:-1]
    start = raw_text.find(encoded) if encoded else -1
    raw_column = (
        start + column if start >= 0 and encoded[: column - 1] == view_text[: column - 1] else 1
    )
    location = Location(target.path, raw_line, raw_column, member=f"cell {cell}")
    return location, f"{message} (cell {cell})"


def rules_test_main(argv: Sequence[str] | None = None) -> int:
    """`mlwarden rules test [PATH]`: run a pack's `# ruleid:`/`# ok:` tests."""
    from mlwarden.checks.semgrep.packtest import main as packtest_main

    return packtest_main(argv)


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run)
