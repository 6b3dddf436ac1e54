"""Secrets hook: AI/ML provider keys, cloud keys, private keys and passwords in clear.

Scans working-tree files (code, configs, `.env`, notebooks' cells and text outputs) or,
with `--commits A..B`, what every commit of a pushed range added. Findings show a
redacted secret only; their fingerprint hashes the secret, so moving code never churns
a baseline. Secrets recorded in the baseline (written only by `mlwarden baseline`) and
lines marked `# pragma: allowlist secret` are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlwarden.checks.secrets.baseline import load_baseline
from mlwarden.checks.secrets.files import scan_file
from mlwarden.checks.secrets.range import scan_range
from mlwarden.checks.secrets.report import Detection, root_relative, wanted
from mlwarden.checks.secrets.rules import RULES
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import HookResult, ScanError
from mlwarden.core.hooks import Hook, ScanContext
from mlwarden.core.rules import Rule

NAME = "secrets"


@dataclass(frozen=True)
class Options:
    # Secrets recorded by `mlwarden baseline create|update`, relative to the repo root.
    baseline: str = ".mlwarden-secrets-baseline.json"
    # Regexes: a secret matching one (re.search) is never reported, e.g. known test keys.
    extra_allowed: tuple[str, ...] = ()
    # The name-anchored high-entropy rule (SEC032); the provider rules always run.
    generic: bool = True


def _rules() -> tuple[Rule, ...]:
    return RULES


def run(ctx: ScanContext, options: Options) -> HookResult:
    baseline = load_baseline(ctx.root / options.baseline)
    detections, errors = detect(ctx, options)
    findings = tuple(
        d.finding for d in detections if not baseline.contains(d.baseline_path, d.sha256, d.sha1)
    )
    return HookResult(findings=findings, errors=tuple(errors))


def detect(ctx: ScanContext, options: Options) -> tuple[list[Detection], list[ScanError]]:
    """Everything found before the baseline applies: also what `mlwarden baseline` records."""
    allowed = compile_allowed(options.extra_allowed)
    if ctx.commits:
        return scan_range(ctx, allowed, generic=options.generic)
    detections: list[Detection] = []
    errors: list[ScanError] = []
    baseline_file = root_relative(str(ctx.root / options.baseline), ctx.root)
    for path in ctx.files:
        if not wanted(path) or root_relative(path, ctx.root) == baseline_file:
            continue
        found, error = scan_file(path, ctx, allowed, generic=options.generic)
        detections.extend(found)
        if error is not None:
            errors.append(error)
    return detections, errors


def compile_allowed(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise UsageError(
                f"[tool.mlwarden.secrets] extra-allowed: bad regex {pattern!r}: {exc}"
            ) from None
    return tuple(compiled)


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run)
