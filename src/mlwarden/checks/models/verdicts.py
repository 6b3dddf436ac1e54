"""Turn what the readers saw into observations: verdicts on globals (with why, and the
advisories that used them), safetensors headers, and the limits that stopped an analysis."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from mlwarden.checks.models import formats
from mlwarden.checks.models.allowlist import Verdict, classify
from mlwarden.checks.models.base import BoundedReader, Observation
from mlwarden.checks.models.pickle_calls import CONTENT_JUDGED, PickleResult
from mlwarden.core.findings import Severity


@dataclass
class FileReport:
    observations: list[Observation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pickle_formats: list[str] = field(default_factory=list)


def where(member: str | None) -> str:
    return f" in member `{member}`" if member else ""


def _cited(sources: tuple[str, ...]) -> str:
    ids = [s for s in sources if s not in ("mechanism", "PoC") and not s.startswith("CWE")]
    if ids:
        return f" (as in {', '.join(ids[:3])})"
    if "PoC" in sources:
        return " (a published scanner bypass)"
    return ""


class Recorder:
    """Collects one file's observations, each once."""

    def __init__(self, allow: Iterable[str], *, strict_name: bool) -> None:
        self.allow = tuple(allow)
        self.strict_name = strict_name
        self.report = FileReport()

    @contextlib.contextmanager
    def trusting(self, patterns: tuple[str, ...]) -> Iterator[None]:
        """Extra allow-globals while one container's members are judged."""
        saved = self.allow
        self.allow = saved + patterns
        try:
            yield
        finally:
            self.allow = saved

    def safetensors(
        self, reader: BoundedReader, size: int | None, member: str | None, *, strict: bool
    ) -> None:
        length = int.from_bytes(reader.read_exact(8), "little")
        if size is None or length > formats.SAFETENSORS_MAX_HEADER or 8 + length > size:
            if strict:
                self.add(
                    "MOD006",
                    member,
                    "header-length",
                    f"safetensors header length {length} runs past the end of the "
                    f"{size}-byte file{where(member)}; re-export it with safetensors' save_file",
                )
            return
        problem = formats.safetensors_problem(reader.read_exact(length), size - 8 - length)
        if problem is not None:
            self.add(
                "MOD006",
                member,
                problem.split(":")[0],
                f"malformed safetensors header{where(member)}: {problem}; loaders may read "
                "outside the file or reject it; re-export it with safetensors' save_file",
            )

    def pickle_result(self, result: PickleResult, member: str | None) -> None:
        seen: set[str] = set()
        for ref, _position in result.globals:
            full = ref.full
            if full in seen:
                continue
            seen.add(full)
            if full in CONTENT_JUDGED and full not in result.unjudged_loaders:
                continue  # what it loads was judged as a file of its own
            if full in result.unjudged_loaders:
                self.add(
                    "MOD001",
                    member,
                    full,
                    f"pickle calls `{full}`{where(member)} on bytes that could not be read as "
                    "a pickle or torch file: it unpickles them on load; do not load it",
                )
                continue
            verdict = classify(ref.module, ref.name, self.allow)
            self.verdict(
                full, verdict.verdict, verdict.reason, member, "pickle imports", verdict.sources
            )
        if result.unresolved:
            self.add(
                "MOD001",
                member,
                "computed-global",
                f"pickle builds the name of a global at load time{where(member)} "
                "(STACK_GLOBAL on a computed value), a way to hide an import; do not load it",
            )
        for code in sorted(set(result.extensions)):
            self.add(
                "MOD002",
                member,
                f"ext:{code}",
                f"pickle imports copyreg extension code {code}{where(member)}: whatever the "
                "loading process registered runs; re-export the weights as safetensors",
            )
        for subject, explanation in result.tricks:
            self.add(
                "MOD001",
                member,
                subject,
                f"{explanation}{where(member)}; do not load it",
            )

    def verdict(
        self,
        full: str,
        verdict: Verdict,
        reason: str,
        member: str | None,
        how: str,
        sources: tuple[str, ...] = (),
    ) -> None:
        if verdict is Verdict.DANGEROUS:
            self.add(
                "MOD001",
                member,
                full,
                f"{how} `{full}`{where(member)}: {reason}{_cited(sources)}, and loading the "
                "file runs it; do not load it, get the weights as safetensors from a trusted "
                "source",
            )
        elif verdict is Verdict.UNKNOWN:
            self.add(
                "MOD002",
                member,
                full,
                f"{how} `{full}`{where(member)}, which is not on the allow-list and runs on "
                "load; if it is your own class add it to [tool.mlwarden.models] "
                "allow-globals, else re-export the weights as safetensors",
            )

    def incomplete(self, member: str | None, why: str) -> None:
        self.add(
            "MOD007",
            member,
            why,
            f"analysis stopped{where(member)}: {why}; the rest was not checked, so treat "
            "the file as untrusted (or raise the models hook's limits)",
        )

    def add(
        self,
        rule_id: str,
        member: str | None,
        subject: str,
        message: str,
        severity: Severity | None = None,
    ) -> None:
        observation = Observation(rule_id, member, subject, message, severity)
        # Several streams of one file (legacy torch) may import the same global.
        if observation not in self.report.observations:
            self.report.observations.append(observation)
