"""mlwarden-models: judge every model artifact that can run code when loaded, without
loading it.

Files are recognised by content, never by name (`analyzer`): pickle streams of every
protocol, back to back, with or without a header (`streams`, `pickle_analysis`); torch
zips read as torch reads them (`zipread`, `zips`), legacy torch streams and tars; joblib,
gzip/bz2/xz/lzma/zlib/lz4; tar, tar.gz and 7z archives (`archives`); .npy/.npz; Keras v3
and HDF5 (`keras`, `h5`); GGUF and chat templates (`gguf`, `templates`, `text`); ONNX and
TensorFlow graphs (`protowire`, `onnx`, `protobuf_models`); Hugging Face configs
(`hfconfig`); safetensors. Globals get allow-list verdicts (`allowlist`), explained by
the published gadgets (`gadgets`). What cannot be read the way its loader reads it is
reported (MOD007), never passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlwarden.checks.models.catalog import RULES
from mlwarden.core.errors import UsageError
from mlwarden.core.findings import HookResult, Severity
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Source

NAME = "models"
MB = 1024 * 1024


@dataclass(frozen=True)
class Options:
    """`[tool.mlwarden.models]`."""

    # Extra globals to trust: exact `module.name` or a `module.*` prefix.
    allow_globals: tuple[str, ...] = ()
    # MOD004: binaries over this size must live in Git LFS or DVC.
    max_size_mb: float = 10.0
    # MOD003 policy: "info" notes pickle-format models; "low" or higher fails on them.
    pickle_format_severity: str = "info"
    large_file_severity: str = "low"
    # Work limits per stream; hitting one is reported as MOD007.
    max_decompressed_mb: int = 1024
    max_opcodes: int = 10_000_000
    max_nesting: int = 4


def _rules() -> tuple[Rule, ...]:
    return RULES


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    from mlwarden.checks.models.scan import Settings, scan_sources

    options: Options = ctx.options
    for key, value in (
        ("max-size-mb", options.max_size_mb),
        ("max-decompressed-mb", options.max_decompressed_mb),
        ("max-opcodes", options.max_opcodes),
        ("max-nesting", options.max_nesting),
    ):
        if value <= 0:
            raise UsageError(f"[tool.mlwarden.models] {key} must be positive")
    settings = Settings(
        allow=options.allow_globals,
        max_size=int(options.max_size_mb * MB),
        pickle_severity=_severity(options.pickle_format_severity, "pickle-format-severity"),
        large_severity=_severity(options.large_file_severity, "large-file-severity"),
        max_bytes=options.max_decompressed_mb * MB,
        max_opcodes=options.max_opcodes,
        max_nesting=options.max_nesting,
    )
    return HookResult(tuple(scan_sources(sources, settings)))


def _severity(text: str, key: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise UsageError(f"[tool.mlwarden.models] {key}: {exc}") from None


# Not cached: whether a big binary is "in LFS or DVC" (MOD004) depends on other files.
HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run, parallel=True)
