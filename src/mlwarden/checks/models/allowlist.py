"""Allow-list verdicts for the globals a pickle imports (and Keras config references).

Deny-lists are bypassed every few months (`numpy.testing._private.utils.runstring`,
`timeit`, `code`, `pkgutil.resolve_name`...). Here a global is *safe* only when it is on an
exact, curated list of what torch, numpy, pandas, scikit-learn, xgboost, lightgbm and the
standard containers store; the gadget table (`gadgets`) only explains *why* a name is
dangerous and which advisory used it, and sharpens the severity. Everything else is
*unknown* and still fails the hook by default.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from mlwarden.checks.models.allowlist_data import (
    SAFE_CLASS_PACKAGES,
    SAFE_EXACT,
    UNSAFE_SUBPACKAGES,
)
from mlwarden.checks.models.gadgets import BY_PREFIX, Gadget


class Verdict(enum.Enum):
    SAFE = "safe"
    DANGEROUS = "dangerous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reason: str
    sources: tuple[str, ...] = ()


def _matches(name: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1]) or name == pattern[:-2]
    return name == pattern


def gadget_for(name: str) -> Gadget | None:
    """The most specific gadget row covering `name` (`os.path.join` -> `os`)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        gadget = BY_PREFIX.get(".".join(parts[:end]))
        if gadget is not None:
            return gadget
    return None


def _dangerous(gadget: Gadget, prefix: str = "") -> Classification:
    return Classification(Verdict.DANGEROUS, prefix + gadget.why, gadget.sources)


def _dunder(part: str) -> bool:
    return part.startswith("__") and part.endswith("__") and len(part) > 4


@functools.lru_cache(maxsize=4096)
def classify(module: str, name: str, allow: tuple[str, ...] = ()) -> Classification:
    """The verdict for `module.name`. From protocol 4 on, `find_class` walks a dotted
    `name` attribute by attribute (`torch` + `serialization.os.system` is `os.system`), so
    every segment of the path is judged, not only the module."""
    if module == "__builtin__":
        module = "builtins"
    if module == "copy_reg":
        module = "copyreg"
    full = f"{module}.{name}" if name else module
    if any(_matches(full, pattern) for pattern in allow):
        return Classification(Verdict.SAFE, "listed in allow-globals")
    if full in SAFE_EXACT:
        return Classification(Verdict.SAFE, "on the curated allow-list")
    parts = full.split(".")
    # `x.__globals__`, `numpy.__builtins__.get`: attribute walks escape any module list.
    if any(_dunder(p) for p in parts[1:]) and module != "copyreg":
        return Classification(
            Verdict.DANGEROUS,
            "walks special attributes (dunder names) to reach the interpreter",
            ("GHSA-5j3x-jp52-966f",),
        )
    gadget = gadget_for(full)
    if gadget is not None:
        return _dangerous(gadget)
    if "." in name:
        # A dotted name reaching a module through another one's attributes.
        name_parts = name.split(".")
        for start in range(len(name_parts)):
            inner = gadget_for(".".join(name_parts[start:]))
            if inner is not None and start + 1 < len(name_parts):
                return _dangerous(inner, f"reaches `{inner.prefix}` through an attribute path: ")
    last = parts[-1]
    if last.startswith("__pyx_unpickle_"):
        # Cython's generated unpickler for class X: as safe as X itself.
        owner = classify(".".join(parts[:-1]), last[len("__pyx_unpickle_") :])
        if owner.verdict is Verdict.SAFE:
            return Classification(Verdict.SAFE, "Cython unpickler of an allowed class")
    if (
        "." not in name
        and last.lstrip("_")[:1].isupper()
        and full.startswith(SAFE_CLASS_PACKAGES)
        and not any(full == p or full.startswith(p + ".") for p in UNSAFE_SUBPACKAGES)
    ):
        return Classification(Verdict.SAFE, "a class of a supported ML library")
    return Classification(Verdict.UNKNOWN, "not on the allow-list")
