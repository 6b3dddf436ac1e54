"""The one finding model every hook produces and every report consumes."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlwarden.core.rules import Rule


class Severity(enum.IntEnum):
    """Ordered so that `severity >= min_severity` filters findings."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


class Confidence(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(c.label for c in cls)
            raise ValueError(f"unknown confidence {text!r} (choose from {choices})") from None


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding is, 1-based.

    `path` is POSIX and relative to the working directory: what reports print and editors
    open. `repo_path` is the same file relative to its repository root: its identity in
    every mode (fingerprints, baselines, SARIF). `commit` is set when the finding comes
    from a commit of a range rather than the work tree; `member` names the entry inside a
    container (zip member, notebook cell).
    """

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    commit: str | None = None
    member: str | None = None
    repo_path: str = ""

    @property
    def identity_path(self) -> str:
        return self.repo_path or self.path


@dataclass(frozen=True)
class Finding:
    """One problem. Never holds a secret in clear: hooks redact before building it."""

    rule_id: str
    message: str
    location: Location
    severity: Severity
    confidence: Confidence
    fingerprint: str
    hook: str
    related_rule_ids: tuple[str, ...] = field(default=())

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        """Path, line, column, rule id; then commit, message and fingerprint, so findings
        that share a position (several packages of one `pip install` line) still come out
        in the same order every run, whatever the hash seed."""
        loc = self.location
        return (
            loc.path,
            loc.line,
            loc.column,
            self.rule_id,
            loc.commit or "",
            self.message,
            self.fingerprint,
        )


@dataclass(frozen=True, order=True)
class ScanError:
    """A file or input the hook could not fully read: reported, never a traceback."""

    path: str
    message: str
    hook: str = ""


@dataclass(frozen=True)
class HookResult:
    findings: tuple[Finding, ...] = ()
    errors: tuple[ScanError, ...] = ()
    # Rules a hook reported that the registry does not declare (maintainers' own semgrep
    # rules): the reports need their metadata too.
    rules: tuple[Rule, ...] = ()


def make_fingerprint(rule_id: str, path: str, *identity: str) -> str:
    """A stable identity for a finding that deliberately leaves out the line number.

    Moving code up or down must not change it (baselines, SARIF partialFingerprints);
    `identity` is what makes the finding unique inside the file, e.g. a hash of the
    secret or the normalised source line, never the secret itself.
    """
    digest = hashlib.sha256()
    for part in (rule_id, path, *identity):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]
