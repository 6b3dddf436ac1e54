"""The bandit hook: bandit's checks with an ML profile, over Python files and notebooks.

bandit runs as a library, once per invocation over every selected file (see
`bandit_engine`). Its test ids (B614, B301...) are our rule ids, so `# nosec B614`
and `# mlwarden: ignore[B614]` both work. Notebooks are scanned through the shared
line-preserving view of their code cells, and findings land on the raw-file line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mlwarden.checks.bandit.engine import BanditIssue, run_bandit
from mlwarden.checks.bandit.filters import is_false_positive
from mlwarden.checks.bandit.flow import parse as parse_module
from mlwarden.checks.bandit.hub import hub_issues, may_load_from_hub
from mlwarden.checks.bandit.rules import BY_ID, CATALOG, ML_PROFILE, BanditTest, to_rule
from mlwarden.checks.bandit.source import Code, load_code, locate, syntax_error
from mlwarden.core.cache import depends_on
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Confidence, Finding, HookResult, Severity
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Source, on_disk

NAME = "bandit"

_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})
_PASSWORD_TEXT = re.compile(r"^Possible hardcoded password: '(.*)'$", re.DOTALL)
# Tokenizer special tokens (`pad_token = "<pad>"`, `eos_token="</s>"`, `"[CLS]"`) match
# bandit's password-name pattern (`*_token`) but are vocabulary, not secrets.
_SPECIAL_TOKEN = re.compile(r"^(?:<\|?[\w./:|-]{0,40}\|?>|</?\w{0,20}>|\[[A-Za-z_]{2,16}\]|)$")


@dataclass(frozen=True)
class Options:
    """`[tool.mlwarden.bandit]`: `tests` empty means the ML profile; `"all"` means every
    bandit test; `skips` removes tests; the floors drop findings bandit rates lower."""

    tests: tuple[str, ...] = ()
    skips: tuple[str, ...] = ()
    min_bandit_severity: str = "low"
    min_bandit_confidence: str = "low"

    def __post_init__(self) -> None:
        for key, ids in (("tests", self.tests), ("skips", self.skips)):
            for test_id in ids:
                if test_id.upper() not in BY_ID and not (key == "tests" and test_id == "all"):
                    raise UsageError(
                        f"[tool.mlwarden.bandit] {key}: unknown bandit test {test_id!r} "
                        f"(see `mlwarden rules`)"
                    )
        for key, value, parse in (
            ("min-bandit-severity", self.min_bandit_severity, Severity.parse),
            ("min-bandit-confidence", self.min_bandit_confidence, Confidence.parse),
        ):
            try:
                level = parse(value)
            except ValueError as exc:
                raise UsageError(f"[tool.mlwarden.bandit] {key}: {exc}") from None
            if not Severity.LOW <= level <= Severity.HIGH:
                raise UsageError(f"[tool.mlwarden.bandit] {key}: use low, medium or high")

    def selected_tests(self) -> tuple[str, ...]:
        if "all" in self.tests:
            chosen: Sequence[str] = [test.id for test in CATALOG]
        else:
            chosen = [t.upper() for t in self.tests] or ML_PROFILE
        skipped = {t.upper() for t in self.skips}
        return tuple(sorted({t for t in chosen if t not in skipped}))


def _rules() -> tuple[Rule, ...]:
    return tuple(to_rule(test, NAME) for test in CATALOG)


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    import tempfile  # only when scanning: `mlwarden rules` loads this module too

    options: Options = ctx.options
    codes, unjudged, errors = load_code(sources, NAME, ctx.config.max_file_size)
    tests = options.selected_tests()
    if not codes or not tests:
        return HookResult(tuple(unjudged), tuple(errors))
    with tempfile.TemporaryDirectory(prefix="mlwarden-bandit-") as tmp:
        by_scan_path: dict[str, Code] = {}
        for index, code in enumerate(codes):
            if code.view is not None:
                # bandit reads files by name: the notebook's code view goes to a temp file.
                scan_path = Path(tmp) / f"notebook{index}.py"
                scan_path.write_text(code.view.source, encoding="utf-8")
            else:
                scan_path = on_disk(code.source, Path(tmp) / "blobs", index)
            by_scan_path[str(scan_path)] = code
        result = run_bandit(list(by_scan_path), tests)
    min_sev = Severity.parse(options.min_bandit_severity)
    min_conf = Confidence.parse(options.min_bandit_confidence)
    findings: list[Finding] = list(unjudged)
    seen: dict[tuple[str, str, str], int] = {}
    issues = list(result.issues)
    if "B615" in tests:
        issues += _more_hub_issues(by_scan_path, issues, {p for p, _ in result.skipped})
    for issue in issues:
        found_in, test = by_scan_path.get(issue.fname), BY_ID.get(issue.test_id)
        if found_in is None or test is None:
            continue
        finding = _to_finding(issue, found_in, test, seen)
        if finding and finding.severity >= min_sev and finding.confidence >= min_conf:
            findings.append(finding)
    for skipped_path, reason in result.skipped:
        skipped = by_scan_path.get(skipped_path)
        if skipped is not None:
            errors.append(skipped.source.error(NAME, syntax_error(skipped) or reason))
    findings.sort(key=Finding.sort_key)
    return HookResult(tuple(findings), tuple(sorted(errors)))


def _more_hub_issues(
    by_scan_path: dict[str, Code], issues: list[BanditIssue], skipped: set[str]
) -> list[BanditIssue]:
    """B615 for the Hub-API libraries bandit's plugin does not know (`checks.bandit.hub`)."""
    reported: dict[str, set[int]] = {}
    for issue in issues:
        if issue.test_id == "B615":
            reported.setdefault(issue.fname, set()).add(issue.line)
    more: list[BanditIssue] = []
    for scan_path, code in by_scan_path.items():
        text = code.text() if code.lines and scan_path not in skipped else ""
        module = parse_module(text) if may_load_from_hub(text) else None
        if module is not None:
            more += hub_issues(module, scan_path, reported.get(scan_path, set()))
    return more


def _to_finding(
    issue: BanditIssue, code: Code, test: BanditTest, seen: dict[tuple[str, str, str], int]
) -> Finding | None:
    """The common finding for a bandit issue, or None for a tokenizer special token."""
    text = issue.text.strip()
    value = _PASSWORD_TEXT.match(text) if issue.test_id in _PASSWORD_TESTS else None
    if value and _SPECIAL_TOKEN.match(value.group(1)):
        return None
    # `code.lines` are the lines bandit saw (a notebook's cell lines); empty for a file
    # bandit decoded itself (PEP 263), whose findings are then kept unfiltered.
    call = _call_text(code.lines, issue)
    if call and is_false_positive(
        issue.test_id,
        call,
        code.line_text(issue.line),
        code.text,
        value.group(1) if value else None,
        issue.line,
        issue.column,
    ):
        return None
    if issue.test_id in _PASSWORD_TESTS:
        # The message must never carry the secret itself.
        text = "Possible hardcoded password (value redacted)"
    where, member, prefix = locate(code, issue)
    # Identity without the line number: the hashed source line, and which of its
    # identical twins in the file this is.
    line_text = code.line_text(issue.line).strip()
    key = (issue.test_id, code.path, line_text)
    seen[key] = seen.get(key, 0) + 1
    digest = hashlib.sha256(line_text.encode("utf-8", "surrogateescape")).hexdigest()
    rule = to_rule(test, NAME)
    return code.source.finding(
        rule,
        f"{prefix}{text.rstrip('.')}; {test.fix}",
        line=where["line"] or 1,
        column=where["column"] or 1,
        end_line=where.get("end_line"),
        end_column=where.get("end_column"),
        member=member,
        identity=(digest, str(seen[key])),
        severity=_level(issue.severity, test.severity),
        confidence=_confidence(issue.confidence),
    )


def _call_text(lines: Sequence[str], issue: BanditIssue) -> str:
    """The source of the flagged call, which may span lines (bandit gives the range)."""
    last = max(issue.line, issue.end_line or issue.line)
    return "\n".join(lines[issue.line - 1 : last])


def _level(text: str, default: Severity) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError:
        return default


def _confidence(text: str) -> Confidence:
    try:
        return Confidence.parse(text)
    except ValueError:
        return Confidence.MEDIUM


def _cache_key(ctx: HookContext) -> str:
    """Results depend on the options, the size bound and bandit's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        engine = version("bandit")
    except PackageNotFoundError:
        engine = "?"
    return depends_on(ctx.options, ctx.config.max_file_size, engine)


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run, parallel=True, cache_key=_cache_key)
