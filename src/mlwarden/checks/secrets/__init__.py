"""Secrets hook: AI/ML provider keys, cloud keys, private keys and passwords in clear.

Judges text files of any size (code, configs, `.env`, notebooks' cells and text outputs),
whichever way the runner reached them: work tree, staged, or what the commits of a
pushed range added. Findings show a redacted secret only; their fingerprint hashes the
secret, so moving code never churns a baseline. Secrets recorded in the baseline (written
only by `mlwarden baseline`), entries of a detect-secrets `.secrets.baseline` audited as
false positives, and lines marked `# pragma: allowlist secret` are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlwarden.checks.secrets.baseline import load_baseline, read_detect_secrets
from mlwarden.checks.secrets.report import Detection, wanted
from mlwarden.checks.secrets.rules import RULES
from mlwarden.checks.secrets.scan import scan_source
from mlwarden.core.cache import depends_on
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import Finding, HookResult
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Source

NAME = "secrets"


@dataclass(frozen=True)
class Options:
    # Secrets recorded by `mlwarden baseline create|update`, relative to the repo root.
    baseline: str = ".mlwarden-secrets-baseline.json"
    # Regexes: a secret matching one (re.search) is never reported, e.g. known test keys.
    extra_allowed: tuple[str, ...] = ()
    # The name-anchored high-entropy rule (SEC032); the provider rules always run.
    generic: bool = True
    # A detect-secrets baseline, relative to the repo root: its entries audited as false
    # positives (`is_secret: false`) are not reported. "" turns this off.
    detect_secrets_baseline: str = ".secrets.baseline"


def _rules() -> tuple[Rule, ...]:
    return RULES


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    options: Options = ctx.options
    baseline = load_baseline(ctx.config.root / options.baseline)
    if options.detect_secrets_baseline:
        audited = ctx.config.root / options.detect_secrets_baseline
        if audited.is_file():
            baseline = baseline.merged(read_detect_secrets(audited).keys())
    detections, unjudged = detect(sources, ctx)
    findings = [
        d.finding for d in detections if not baseline.contains(d.baseline_path, d.sha256, d.sha1)
    ]
    return HookResult(findings=tuple(findings + unjudged))


def detect(sources: Sequence[Source], ctx: HookContext) -> tuple[list[Detection], list[Finding]]:
    """Everything found before the baseline applies: also what `mlwarden baseline` records."""
    options: Options = ctx.options
    allowed = compile_allowed(options.extra_allowed)
    baseline_file = f"{ctx.config.folder}/{options.baseline}".lstrip("/")
    detections: list[Detection] = []
    unjudged: list[Finding] = []
    for source in sources:
        if not wanted(source.path) or source.path == baseline_file:
            continue
        found, failed = scan_source(
            source, allowed, generic=options.generic, max_bytes=ctx.config.max_file_size
        )
        detections.extend(found)
        unjudged.extend(failed)
    return detections, unjudged


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


def _cache_key(ctx: HookContext) -> str:
    """Results depend on the options, the size bound and the baseline's content."""
    baseline = ctx.config.root / ctx.options.baseline
    try:
        accepted = baseline.read_bytes()
    except OSError:
        accepted = b""
    return depends_on(ctx.options, ctx.config.max_file_size, accepted.hex())


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run, parallel=True, cache_key=_cache_key)
