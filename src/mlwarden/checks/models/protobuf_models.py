"""Protobuf model files, recognised by the shape of their top-level fields (protobuf has
no magic number): ONNX `ModelProto`, TensorFlow `SavedModel` and frozen `GraphDef`, and
tf.keras `keras_metadata.pb`.

TensorFlow field numbers (tensorflow/core/protobuf): SavedModel meta_graphs=2;
MetaGraphDef meta_info_def=1 (stripped_op_list=2 -> OpDef name=1), graph_def=2; GraphDef
node=1, library=2 (function=1 -> FunctionDef signature=1, node_def=3); NodeDef name=1,
op=2. SavedMetadata nodes=1 -> SavedObject identifier=4, metadata=5 (JSON).
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from mlwarden.checks.models import formats, keras, onnx
from mlwarden.checks.models.base import BoundedReader, Malformed
from mlwarden.checks.models.protowire import LEN, VARINT, fields, string, walk
from mlwarden.checks.models.verdicts import where

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

PYTHON_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
FILE_OPS = frozenset(
    {
        "ReadFile",
        "WriteFile",
        "MatchingFiles",
        "WholeFileReader",
        "WholeFileReaderV2",
        "LoadAndRemapMatrix",
        "ImmutableConst",
        "InitializeTableFromTextFile",
        "InitializeTableFromTextFileV2",
    }
)


def _top_fields(sample: bytes) -> list[tuple[int, int, int]]:
    """The top-level fields a sample shows (up to the first one cut by its end)."""
    reader = BoundedReader(io.BytesIO(sample), len(sample) + 1, seekable=True)
    seen: list[tuple[int, int, int]] = []
    try:
        for number, wire, value in fields(reader, None):
            seen.append((number, wire, value))
            if wire == LEN:
                reader.skip(value)
    except Malformed:
        pass
    return seen


def classify(sample: bytes) -> str | None:
    if not sample or sample[0] not in (0x08, 0x0A, 0x12) or formats.looks_text(sample[:64]):
        return None
    top = _top_fields(sample)
    if not top:
        return None
    numbers = {number for number, _, _ in top}
    versions = [value for number, wire, value in top if number == 1 and wire == VARINT]
    first_number, first_wire, first_value = top[0]
    meta_graphs = [wire for number, wire, _ in top if number == 2]
    saved = numbers <= {1, 2} and set(meta_graphs) == {LEN} and all(v <= 10 for v in versions)
    if saved:
        return "savedmodel"  # schema_version (1, often omitted), meta_graphs (2)
    if first_number == 1 and first_wire == VARINT:
        if numbers <= onnx.TOP_FIELDS and numbers & {7, 8} and first_value <= 64:
            return "onnx"
        return None
    if first_number == 1 and first_wire == LEN:
        if numbers <= {1, 2, 3, 4} and _first_node_has_op(sample):
            return "graphdef"
        if numbers == {1} and b"_tf_keras" in sample:
            return "keras-metadata"
    return None


def _first_node_has_op(sample: bytes) -> bool:
    reader = BoundedReader(io.BytesIO(sample), len(sample) + 1, seekable=True)
    try:
        for number, wire, value in fields(reader, None):
            if number != 1 or wire != LEN:
                return False
            end = reader.consumed + value
            for sub, sub_wire, sub_value in fields(reader, min(end, len(sample))):
                if sub == 2 and sub_wire == LEN:
                    return string(reader, sub_value).isidentifier()
                if sub_wire == LEN:
                    reader.skip(sub_value)
            return False
    except Malformed:
        return False
    return False


def judge_protobuf(
    an: Analyzer,
    reader: BoundedReader,
    sample: bytes,
    size: int | None,
    label: str | None,
    *,
    strict: bool,
) -> bool:
    """Judge a protobuf model; False when the bytes do not have the shape of one. The
    TensorFlow shapes are loose, so a file that only looked like one and then does not
    parse is reported as unreadable only when its name promises a model."""
    kind = classify(sample)
    if kind is None:
        return False
    ops = _Ops()
    try:
        if kind == "onnx":
            onnx.judge_onnx(an, reader, size, label)
        elif kind == "keras-metadata":
            _keras_metadata(an, reader, size, label)
        elif kind == "savedmodel":
            walk(reader, size, 0, {2: ops.meta_graph})
        else:
            ops.graph(reader, size, 0)
    except Malformed as exc:
        if strict or kind == "onnx" or ops.found:
            an.error(label, f"unreadable {kind} protobuf: {exc}")
    _report_ops(an, ops.found, label)
    return True


class _Ops:
    def __init__(self) -> None:
        self.found: dict[str, str] = {}  # op -> where it was seen

    def meta_graph(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {1: self.meta_info, 2: self.graph})

    def meta_info(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {2: self.op_list})

    def op_list(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {1: self.op_def})

    def op_def(self, reader: BoundedReader, end: int, depth: int) -> None:
        for number, wire, value in fields(reader, end):
            if wire == LEN and number == 1:
                self.found.setdefault(string(reader, value), "the graph's op list")
            elif wire == LEN:
                reader.skip(value)

    def graph(self, reader: BoundedReader, end: int | None, depth: int) -> None:
        walk(reader, end, depth, {1: self.node, 2: self.library})

    def library(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {1: self.function})

    def function(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {3: self.node})

    def node(self, reader: BoundedReader, end: int, depth: int) -> None:
        name = op = ""
        for number, wire, value in fields(reader, end):
            if wire != LEN:
                continue
            if number == 1:
                name = string(reader, value)
            elif number == 2:
                op = string(reader, value)
            else:
                reader.skip(value)
        if op:
            self.found[op] = f"node `{name}`"


def _report_ops(an: Analyzer, found: dict[str, str], label: str | None) -> None:
    for op, seen in sorted(found.items()):
        if op in PYTHON_OPS:
            an.out.add(
                "MOD014",
                label,
                f"op:{op}",
                f"TensorFlow graph runs a `{op}` op ({seen}){where(label)}: it calls a Python "
                "function of the loading process that the file cannot show; express it in "
                "TensorFlow ops",
            )
        elif op in FILE_OPS:
            an.out.add(
                "MOD015",
                label,
                f"op:{op}",
                f"TensorFlow graph runs a `{op}` op ({seen}){where(label)}: serving the model "
                "reads or writes host files; feed data through the model's inputs",
            )


def _keras_metadata(
    an: Analyzer, reader: BoundedReader, size: int | None, label: str | None
) -> None:
    for number, wire, value in fields(reader, size):
        if number != 1 or wire != LEN:
            if wire == LEN:
                reader.skip(value)
            continue
        for sub, sub_wire, sub_value in fields(reader, reader.consumed + value):
            if sub_wire != LEN:
                continue
            if sub == 5 and sub_value <= 64 * 1024 * 1024:
                raw = reader.read_exact(sub_value)
                try:
                    config = json.loads(raw)
                except (ValueError, RecursionError):
                    continue
                keras.judge_config(an, config, raw, label, 0, container="Keras SavedModel")
            else:
                reader.skip(sub_value)
