"""Turn what the readers saw into observations: verdicts on globals, Keras references,
safetensors headers, and the limits that stopped an analysis."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from mlwarden.checks.models import formats
from mlwarden.checks.models.allowlist import Verdict, classify
from mlwarden.checks.models.base import Observation
from mlwarden.checks.models.values import Global


@dataclass
class FileReport:
    observations: list[Observation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pickle_formats: list[str] = field(default_factory=list)


def where(member: str | None) -> str:
    return f" in member `{member}`" if member else ""


class Recorder:
    """Collects one file's observations, each once."""

    def __init__(self, allow: Iterable[str], *, strict_name: bool) -> None:
        self.allow = tuple(allow)
        self.strict_name = strict_name
        self.report = FileReport()

    def keras_config(self, config: Any, label: str) -> None:
        for kind, first, second in formats.keras_references(config):
            if kind == "lambda":
                self.add(
                    "MOD005",
                    label,
                    f"lambda:{first}",
                    f"Keras Lambda layer `{first}`{where(label)}: its function is marshalled "
                    "Python bytecode that runs on load (safe_mode=False); rewrite it as a "
                    "registered custom layer and keep safe_mode=True",
                )
                continue
            verdict = classify(first, second, self.allow)
            if verdict.verdict is Verdict.UNKNOWN and (
                first == "keras"
                or first.startswith(tuple(m + "." for m in formats.KERAS_MODULES))
                or first in formats.KERAS_MODULES
            ):
                continue
            self.verdict(
                f"{first}.{second}",
                verdict.verdict,
                verdict.reason,
                label,
                "Keras config references",
            )

    def safetensors(self, f: IO[bytes], size: int) -> None:
        length = int.from_bytes(f.read(8), "little")
        if length > formats.SAFETENSORS_MAX_HEADER or 8 + length > size:
            if self.strict_name:
                self.add(
                    "MOD006",
                    None,
                    "header-length",
                    f"safetensors header length {length} runs past the end of the "
                    f"{size}-byte file; re-export it with safetensors' save_file",
                )
            return
        problem = formats.safetensors_problem(f.read(length), size - 8 - length)
        if problem is not None:
            self.add(
                "MOD006",
                None,
                problem.split(":")[0],
                f"malformed safetensors header: {problem}; loaders may read outside the "
                "file or reject it; re-export it with safetensors' save_file",
            )

    def pickle_globals(
        self,
        globals_: Sequence[tuple[Global, int]],
        unresolved: list[int],
        extensions: list[int],
        member: str | None,
    ) -> None:
        seen: set[str] = set()
        for ref, _position in globals_:
            module, name, full = ref.module, ref.name, ref.full
            if full in seen:
                continue
            seen.add(full)
            verdict = classify(module, name, self.allow)
            self.verdict(full, verdict.verdict, verdict.reason, member, "pickle imports")
        if unresolved:
            self.add(
                "MOD001",
                member,
                "computed-global",
                f"pickle builds the name of a global at load time{where(member)} "
                "(STACK_GLOBAL on a computed value), a way to hide an import; do not load it",
            )
        for code in sorted(set(extensions)):
            self.add(
                "MOD002",
                member,
                f"ext:{code}",
                f"pickle imports copyreg extension code {code}{where(member)}: whatever the "
                "loading process registered runs; re-export the weights as safetensors",
            )

    def verdict(
        self, full: str, verdict: Verdict, reason: str, member: str | None, how: str
    ) -> None:
        if verdict is Verdict.DANGEROUS:
            self.add(
                "MOD001",
                member,
                full,
                f"{how} `{full}`{where(member)}: {reason}, and loading the file runs it; "
                "do not load it, get the weights as safetensors from a trusted source",
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

    def add(self, rule_id: str, member: str | None, subject: str, message: str) -> None:
        observation = Observation(rule_id, member, subject, message)
        # Several streams of one file (legacy torch) may import the same global.
        if observation not in self.report.observations:
            self.report.observations.append(observation)
