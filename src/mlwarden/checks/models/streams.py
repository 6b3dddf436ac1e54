"""Every pickle in a stream, the way repeated `pickle.load` calls read it.

A file can hold several pickles back to back (legacy torch files hold five, and a second
`pickle.load` on the same handle reads the next one), a pickle can break after its
payload already ran (nullifAI), and a pickle needs no PROTO header at all (protocols 0
and 1, or a stripped protocol-4 stream). What decides "this is a pickle" without a
header is evidence, not a byte: a complete stream, or an importable global that was
called before the break.
"""

from __future__ import annotations

import io
import pickletools
from typing import TYPE_CHECKING

from mlwarden.checks.models import formats
from mlwarden.checks.models.base import BoundedReader, Malformed
from mlwarden.checks.models.pickle_analysis import analyse_pickle
from mlwarden.checks.models.pickle_calls import PickleResult

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

OPCODE_BYTES = frozenset(op.code.encode("latin-1")[0] for op in pickletools.opcodes)
LEGACY_PICKLES = 5  # magic, protocol, sys_info, the object, storage keys; then raw data


def importable_globals(result: PickleResult) -> bool:
    return any(formats.importable(ref.module, ref.name) for ref, _ in result.globals)


def has_evidence(result: PickleResult, *, lenient: bool = False) -> bool:
    """A headerless stream is a pickle when it is complete and not trivial, or when an
    importable global was called before it broke (the loader ran that call). When
    `lenient` (the name promises a pickle, or a pickle came before), any complete stream
    and any importable global before a break count."""
    found = importable_globals(result)
    if result.problem is None:
        return lenient or found or result.opcodes >= 4
    return found and (lenient or result.calls > 0)


class PickleReader:
    def __init__(self, analyzer: Analyzer) -> None:
        self.an = analyzer

    def trial(self, sample: bytes, *, complete: bool, strict: bool) -> bool:
        """Whether bytes without a magic number read as a pickle, judged on a sample."""
        if not sample or sample[0] not in OPCODE_BYTES:
            return False
        reader = BoundedReader(io.BytesIO(sample), len(sample) + 1, seekable=True)
        result = analyse_pickle(reader, self.an.caps)
        if has_evidence(result, lenient=strict):
            return True
        # Opcodes all the way to the end of the sample: too long to tell, read it all.
        return (
            not complete and result.problem_kind == "malformed" and reader.consumed >= len(sample)
        )

    def read(
        self,
        reader: BoundedReader,
        label: str | None,
        depth: int,
        *,
        strict: bool,
        fmt: str,
        headerless: bool = False,
    ) -> None:
        an = self.an
        count = 0
        legacy = False
        noted = False
        while True:
            result = analyse_pickle(reader, an.caps, nested=an.nested_hook(label, depth))
            found = bool(result.globals or result.unresolved or result.extensions or result.tricks)
            weak = headerless or count > 0
            if weak and not has_evidence(result, lenient=strict or count > 0):
                if count == 0 and strict and result.problem is not None:
                    an.error(label, f"malformed pickle: {result.problem}")
                return  # bytes after the last pickle (or none at all): nothing loads them
            if not weak and result.problem is not None and not (found or strict):
                return  # a PROTO byte alone is weak evidence: not a pickle after all
            if not noted:
                noted = True
                if result.value == formats.LEGACY_TORCH_MAGIC:
                    legacy, fmt = True, "legacy torch checkpoint"
                elif result.joblib_arrays:
                    fmt = fmt.replace("pickle", "joblib file")
                an.report.pickle_formats.append(fmt)
            an.out.pickle_result(result, label)
            if result.problem is not None:
                if result.problem_kind != "malformed":
                    an.incomplete(label, result.problem)
                elif strict or found or weak:
                    what = "pickle breaks after code ran" if result.calls else "malformed pickle"
                    an.error(label, f"{what}: {result.problem}")
                return
            count += 1
            if legacy and count == LEGACY_PICKLES:
                return  # then come raw storages, not pickles
            try:
                if not reader.peek(1):
                    return
            except Malformed:
                return  # a compressed stream with junk after its end
            strict = False
