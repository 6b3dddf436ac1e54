"""Drive the analyser over the files the runner hands over, and turn its observations
into findings (pickle-format and LFS/DVC policy included)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from mlwarden.checks.models import formats
from mlwarden.checks.models.analyzer import Analyzer
from mlwarden.checks.models.base import Caps
from mlwarden.checks.models.catalog import RULES
from mlwarden.checks.models.verdicts import FileReport
from mlwarden.core.findings import Finding, Severity
from mlwarden.core.sources import Source

NAME = "models"
BINARY_SNIFF = 8192
_RULES = {rule.id: rule for rule in RULES}
_EMPTY = "empty file; not a model"
NOT_JUDGED = (
    ": not judged, so not passed (once you trust the file, exclude its path in "
    "[tool.mlwarden.models])"
)


@dataclass(frozen=True)
class Settings:
    allow: tuple[str, ...]
    max_size: int
    pickle_severity: Severity
    large_severity: Severity
    max_bytes: int
    max_opcodes: int
    max_nesting: int

    @property
    def caps(self) -> Caps:
        return Caps(self.max_bytes, self.max_opcodes, self.max_nesting)


@dataclass(frozen=True)
class Verdict:
    """What one file (or blob) yielded, before it gets a path and a commit."""

    report: FileReport
    size: int
    big_binary: bool


def analyse(f: IO[bytes], size: int, head: bytes, strict: bool, settings: Settings) -> Verdict:
    big = size > settings.max_size and (
        formats.sniff(head) not in (None, "lfs-pointer") or not formats.looks_text(head)
    )
    try:
        report = Analyzer(settings.caps, settings.allow, strict_name=strict).analyse(f, size)
    except Exception as exc:  # one odd file must not stop the scan of the others
        report = FileReport(errors=[f"internal error while analysing: {type(exc).__name__}: {exc}"])
    return Verdict(report, size, big)


def to_findings(
    source: Source, verdict: Verdict, settings: Settings, in_lfs_or_dvc: bool
) -> list[Finding]:
    report = verdict.report
    findings = [
        _finding(source, o.rule_id, o.message, o.severity, member=o.member, subject=o.subject)
        for o in report.observations
    ]
    if report.pickle_formats:
        fmt = report.pickle_formats[0]
        findings.append(
            _finding(
                source,
                "MOD003",
                f"{fmt}: loading it runs pickle code; {_advice(fmt)}",
                settings.pickle_severity,
            )
        )
    if verdict.big_binary and not in_lfs_or_dvc:
        size_mb = verdict.size / (1024 * 1024)
        findings.append(
            _finding(
                source,
                "MOD004",
                f"{size_mb:.1f} MB binary committed to git (limit "
                f"{settings.max_size / (1024 * 1024):g} MB); track it with Git LFS "
                f"(`git lfs track`) or DVC (`dvc add {source.path}`)",
                settings.large_severity,
            )
        )
    # What the analyser could not read the way a loader would is not a pass (fail closed).
    findings.extend(
        _finding(source, "MOD007", f"{message}{NOT_JUDGED}", subject=message)
        for message in report.errors
        if message != _EMPTY
    )
    return findings


def _advice(fmt: str) -> str:
    if "torch" in fmt.lower():
        return (
            "store weights as safetensors; until then load with torch.load(..., weights_only=True)"
        )
    return "store arrays as safetensors and scikit-learn models with skops or ONNX"


def _finding(
    source: Source,
    rule_id: str,
    message: str,
    severity: Severity | None = None,
    *,
    member: str | None = None,
    subject: str = "",
) -> Finding:
    return source.finding(
        _RULES[rule_id],
        message,
        identity=(member or "", subject),
        member=member,
        severity=severity,
    )


def scan_sources(sources: Sequence[Source], settings: Settings) -> list[Finding]:
    """Each file judged by content (its name only decides whether content that no loader
    could read is reported)."""
    verdicts: dict[int, Verdict] = {}
    for index, source in enumerate(sources):
        with source.open() as f:
            head = f.read(BINARY_SNIFF)
            f.seek(0)
            verdicts[index] = analyse(
                f, source.size, head, formats.promises_model(source.path), settings
            )
    big = [sources[i] for i, v in verdicts.items() if v.big_binary and sources[i].lfs is None]
    covered = _lfs_or_dvc(big)
    findings: list[Finding] = []
    for index, verdict in verdicts.items():
        source = sources[index]
        kept = source.lfs is not None or (source.root, source.path) in covered
        findings.extend(to_findings(source, verdict, settings, kept))
    return findings


def _lfs_or_dvc(big: Sequence[Source]) -> set[tuple[object, str]]:
    """Big binaries whose committed form is an LFS pointer (by `.gitattributes`) or that
    DVC owns (a `<file>.dvc` for it or a folder above it)."""
    covered: set[tuple[object, str]] = set()
    by_repo: dict[object, list[Source]] = {}
    for source in big:
        by_repo.setdefault(source.root, []).append(source)
    for root, group in by_repo.items():
        repo = group[0].snapshot.repo
        filters = repo.filters([s.path for s in group]) if repo is not None else {}
        for source in group:
            if filters.get(source.path) == "lfs" or _dvc_tracked(source):
                covered.add((root, source.path))
    return covered


def _dvc_tracked(source: Source) -> bool:
    path = PurePosixPath(source.path)
    return any(
        source.snapshot.exists(f"{folder}.dvc")
        for folder in (path, *path.parents)
        if str(folder) not in ("", ".")
    )
