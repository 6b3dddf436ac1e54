"""Allow-list verdicts for the globals a pickle imports (and Keras config references).

Deny-lists are bypassed every few months (`numpy.testing._private.utils.runstring`,
`timeit`, `code`, `torch.hub`...). Here a global is *safe* only when it is on an exact,
curated list of what torch, numpy, pandas, scikit-learn, xgboost, lightgbm and the
standard containers store; the *dangerous* list only sharpens the message and the
severity. Everything else is *unknown* and still fails the hook by default.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from mlwarden.checks.models.allowlist_data import (
    DANGEROUS_MODULES,
    SAFE_CLASS_PACKAGES,
    SAFE_EXACT,
    UNSAFE_SUBPACKAGES,
)


class Verdict(enum.Enum):
    SAFE = "safe"
    DANGEROUS = "dangerous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reason: str


def _matches(name: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1]) or name == pattern[:-2]
    return name == pattern


def _prefix_hit(name: str, table: Iterable[str]) -> str | None:
    for prefix in table:
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


@functools.lru_cache(maxsize=4096)
def classify(module: str, name: str, allow: tuple[str, ...] = ()) -> Classification:
    """The verdict for `module.name` (a protocol-4 `name` may itself be dotted)."""
    if module == "__builtin__":
        module = "builtins"
    full = f"{module}.{name}" if name else module
    if any(_matches(full, pattern) for pattern in allow):
        return Classification(Verdict.SAFE, "listed in allow-globals")
    parts = full.split(".")
    # `x.__globals__`, `obj.__reduce__`: attribute walks are how allow-lists get escaped.
    if any(p.startswith("__") and p.endswith("__") and len(p) > 4 for p in parts[1:]) and (
        full not in SAFE_EXACT and module != "copyreg"
    ):
        return Classification(Verdict.DANGEROUS, "walks special attributes (dunder names)")
    hit = _prefix_hit(full, DANGEROUS_MODULES)
    if hit is not None:
        return Classification(Verdict.DANGEROUS, DANGEROUS_MODULES[hit])
    if full in SAFE_EXACT:
        return Classification(Verdict.SAFE, "on the curated allow-list")
    last = parts[-1]
    if last.startswith("__pyx_unpickle_"):
        # Cython's generated unpickler for class X: as safe as X itself.
        owner = classify(".".join(parts[:-1]), last[len("__pyx_unpickle_") :])
        if owner.verdict is Verdict.SAFE:
            return Classification(Verdict.SAFE, "Cython unpickler of an allowed class")
    if (
        last[:1].isupper()
        and full.startswith(SAFE_CLASS_PACKAGES)
        and _prefix_hit(full, UNSAFE_SUBPACKAGES) is None
    ):
        return Classification(Verdict.SAFE, "a class of a supported ML library")
    return Classification(Verdict.UNKNOWN, "not on the allow-list")
