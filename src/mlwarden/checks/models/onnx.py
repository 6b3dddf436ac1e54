"""ONNX models: external-data locations and custom operator domains.

Field numbers (onnx/onnx.proto): ModelProto graph=7, opset_import=8, training_info=20,
functions=25; GraphProto node=1, initializer=5, sparse_initializer=15; NodeProto
op_type=4, attribute=5, domain=7; AttributeProto t=5, g=6, tensors=10, graphs=11,
sparse_tensor=22, sparse_tensors=23; TensorProto name=8, raw_data=9 (skipped),
external_data=13, data_location=14; SparseTensorProto values=1, indices=2;
FunctionProto name=1, node=7, domain=10; TrainingInfoProto initialization=1, algorithm=2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlwarden.checks.models import paths
from mlwarden.checks.models.base import BoundedReader
from mlwarden.checks.models.protowire import LEN, fields, string, walk
from mlwarden.checks.models.verdicts import where

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

STANDARD_DOMAINS = frozenset({"", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training"})
TOP_FIELDS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25, 26})


@dataclass
class _Model:
    nodes: set[tuple[str, str]] = field(default_factory=set)  # (domain, op_type)
    functions: set[tuple[str, str]] = field(default_factory=set)
    locations: list[tuple[str, str]] = field(default_factory=list)  # (tensor, location)


class _Walker:
    def __init__(self) -> None:
        self.model = _Model()

    def model_proto(self, reader: BoundedReader, end: int | None) -> None:
        walk(reader, end, 0, {7: self.graph, 20: self.training, 25: self.function})

    def graph(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {1: self.node, 5: self.tensor, 15: self.sparse})

    def training(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {1: self.graph, 2: self.graph})

    def sparse(self, reader: BoundedReader, end: int, depth: int) -> None:
        walk(reader, end, depth, {1: self.tensor, 2: self.tensor})

    def attribute(self, reader: BoundedReader, end: int, depth: int) -> None:
        handlers = {5: self.tensor, 10: self.tensor, 6: self.graph, 11: self.graph}
        handlers.update({22: self.sparse, 23: self.sparse})
        walk(reader, end, depth, handlers)

    def node(self, reader: BoundedReader, end: int, depth: int) -> None:
        op = domain = ""
        for number, wire, value in fields(reader, end):
            if wire != LEN:
                continue
            if number == 4:
                op = string(reader, value)
            elif number == 7:
                domain = string(reader, value)
            elif number == 5:
                self.attribute(reader, reader.consumed + value, depth + 1)
            else:
                reader.skip(value)
        self.model.nodes.add((domain, op))

    def function(self, reader: BoundedReader, end: int, depth: int) -> None:
        name = domain = ""
        for number, wire, value in fields(reader, end):
            if wire != LEN:
                continue
            if number == 1:
                name = string(reader, value)
            elif number == 10:
                domain = string(reader, value)
            elif number == 7:
                self.node(reader, reader.consumed + value, depth + 1)
            else:
                reader.skip(value)
        self.model.functions.add((domain, name))

    def tensor(self, reader: BoundedReader, end: int, depth: int) -> None:
        name = ""
        for number, wire, value in fields(reader, end):
            if wire != LEN:
                continue
            if number == 8:
                name = string(reader, value)
            elif number == 13:
                key = text = ""
                for sub, sub_wire, sub_value in fields(reader, reader.consumed + value):
                    if sub_wire != LEN:
                        continue
                    if sub == 1:
                        key = string(reader, sub_value)
                    elif sub == 2:
                        text = string(reader, sub_value)
                    else:
                        reader.skip(sub_value)
                if key == "location":
                    self.model.locations.append((name, text))
            else:
                reader.skip(value)  # raw_data and the rest: never read


def judge_onnx(an: Analyzer, reader: BoundedReader, end: int | None, label: str | None) -> None:
    walker = _Walker()
    walker.model_proto(reader, end)
    model = walker.model
    for tensor, location in model.locations:
        reason = paths.escapes(location)
        if reason is not None:
            an.out.add(
                "MOD012",
                label,
                f"external:{location}",
                f"ONNX tensor `{tensor}` loads its data from `{location}`{where(label)}: "
                f"{reason}, so onnx.load reads a host file into the model (CVE-2022-25882, "
                "CVE-2024-27318); keep external data in a file next to the model",
            )
    for domain, op in sorted(model.nodes):
        if (
            domain in STANDARD_DOMAINS
            or domain == "com.microsoft"
            or domain.startswith("com.microsoft.")
        ):
            continue
        if (domain, op) in model.functions:
            continue  # a function the model defines: composed of other nodes, not native
        an.out.add(
            "MOD013",
            label,
            f"domain:{domain}:{op}",
            f"ONNX node `{op}` comes from the custom domain `{domain}`{where(label)}: it runs "
            "only with a custom-op library (native code) registered by the application; "
            "review that library",
        )
