"""Drive the analyser over working-tree files or a pushed commit range, and turn its
observations into findings (pickle-format and LFS/DVC policy included)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from mlwarden.checks.models import formats, gitrange, policy
from mlwarden.checks.models.base import Caps
from mlwarden.checks.models.catalog import RULES
from mlwarden.checks.models.containers import Analyzer
from mlwarden.checks.models.verdicts import FileReport
from mlwarden.core.files import Skipped, check_regular_file
from mlwarden.core.findings import Finding, Location, ScanError, Severity, make_fingerprint

NAME = "models"
BINARY_SNIFF = 8192
_RULES = {rule.id: rule for rule in RULES}
_IGNORED_KINDS = (None, "lfs-pointer")


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
        b"\0" in head or formats.sniff(head) not in (*_IGNORED_KINDS, "pickle0")
    )
    try:
        report = Analyzer(settings.caps, settings.allow, strict_name=strict).analyse(f, size)
    except Exception as exc:  # one odd file must not stop the scan of the others
        report = FileReport(errors=[f"internal error while analysing: {type(exc).__name__}: {exc}"])
    return Verdict(report, size, big)


def to_findings(
    path: str, verdict: Verdict, settings: Settings, commit: str | None, lfs_or_dvc: bool
) -> tuple[list[Finding], list[ScanError]]:
    report = verdict.report
    findings = [
        _finding(o.rule_id, path, o.message, member=o.member, commit=commit, subject=o.subject)
        for o in report.observations
    ]
    if report.pickle_formats:
        fmt = report.pickle_formats[0]
        findings.append(
            _finding(
                "MOD003",
                path,
                f"{fmt}: loading it runs pickle code; {_advice(fmt)}",
                settings.pickle_severity,
                commit=commit,
            )
        )
    if verdict.big_binary and not lfs_or_dvc:
        size_mb = verdict.size / (1024 * 1024)
        findings.append(
            _finding(
                "MOD004",
                path,
                f"{size_mb:.1f} MB binary committed to git (limit "
                f"{settings.max_size / (1024 * 1024):g} MB); track it with Git LFS "
                f"(`git lfs track`) or DVC (`dvc add {path}`)",
                settings.large_severity,
                commit=commit,
            )
        )
    where = f" (commit {commit[:12]})" if commit else ""
    errors = [ScanError(path, f"{message}{where}", NAME) for message in report.errors]
    return findings, errors


def _advice(fmt: str) -> str:
    if "torch" in fmt:
        return (
            "store weights as safetensors; until then load with torch.load(..., weights_only=True)"
        )
    return "store arrays as safetensors and scikit-learn models with skops or ONNX"


def _finding(
    rule_id: str,
    path: str,
    message: str,
    severity: Severity | None = None,
    *,
    member: str | None = None,
    commit: str | None = None,
    subject: str = "",
) -> Finding:
    rule = _RULES[rule_id]
    return Finding(
        rule_id=rule_id,
        message=message,
        location=Location(path, 1, 1, commit=commit, member=member),
        severity=rule.severity if severity is None else severity,
        confidence=rule.confidence,
        fingerprint=make_fingerprint(rule_id, path, member or "", subject),
        hook=NAME,
    )


def _strict(path: str) -> bool:
    return path.lower().endswith(formats.MODEL_SUFFIXES)


def scan_files(
    paths: Sequence[str], root: Path, settings: Settings
) -> tuple[list[Finding], list[ScanError]]:
    verdicts: dict[str, Verdict] = {}
    errors: list[ScanError] = []
    for path in paths:
        try:
            file_path = check_regular_file(path, root)
            with file_path.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                head = f.read(BINARY_SNIFF)
                f.seek(0)
                if (
                    formats.sniff(head) in _IGNORED_KINDS
                    and not _strict(path)
                    and (size <= settings.max_size)
                ):
                    continue  # the common case: source, text, data that is no model
                verdicts[path] = analyse(f, size, head, _strict(path), settings)
        except Skipped as exc:
            if not exc.quiet:
                errors.append(exc.as_error(NAME))
        except PermissionError:
            errors.append(ScanError(path, "permission denied", NAME))
        except OSError as exc:
            errors.append(ScanError(path, f"cannot read: {exc.strerror or exc}", NAME))
    big = [p for p, v in verdicts.items() if v.big_binary]
    covered = policy.lfs_tracked(Path.cwd(), big) | {p for p in big if policy.dvc_tracked(p)}
    findings: list[Finding] = []
    for path, verdict in verdicts.items():
        found, errs = to_findings(path, verdict, settings, None, path in covered)
        findings.extend(found)
        errors.extend(errs)
    return findings, errors


def scan_range(root: Path, spec: str, settings: Settings) -> tuple[list[Finding], list[ScanError]]:
    """Every file each commit of `spec` adds or modifies, read from git's object store."""
    try:
        changes = [
            c
            for sha in gitrange.commits_in_range(root, spec)
            for c in gitrange.changed_blobs(root, sha)
        ]
    except gitrange.GitError as exc:
        return [], [ScanError(spec, f"cannot list the commits: {exc}", NAME)]
    strict = {c.blob for c in changes if _strict(c.path)}
    verdicts: dict[str, Verdict] = {}
    for sha, size, window in gitrange.iter_blobs(
        root, list(dict.fromkeys(c.blob for c in changes))
    ):
        head = window.read(BINARY_SNIFF)
        if formats.sniff(head) in _IGNORED_KINDS and sha not in strict:
            if size > settings.max_size:  # the size policy needs no content
                verdicts[sha] = Verdict(FileReport(), size, b"\0" in head)
            continue
        with gitrange.spool(window, head) as blob:
            verdicts[sha] = analyse(blob, size, head, sha in strict, settings)
    findings: list[Finding] = []
    errors: list[ScanError] = []
    for change in changes:
        if change.blob in verdicts:
            # LFS-tracked files are pointers in git, so a big blob is never in LFS.
            found, errs = to_findings(
                change.path, verdicts[change.blob], settings, change.commit, False
            )
            findings.extend(found)
            errors.extend(errs)
    return findings, errors
