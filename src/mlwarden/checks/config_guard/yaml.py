"""YAML as position-carrying nodes: config-guard reports the line an editor shows.

`yaml.compose` keeps every node's position and, unlike loading, leaves the key `on`
a string (YAML 1.1 would load it as `True`). Composing never runs constructors, so a
hostile file cannot make PyYAML build objects.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's composer when PyYAML was built with it: same nodes and marks, faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    pass


def compose(text: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise YamlError(f"invalid YAML{where}: {problem}; not checked") from None


def line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def pairs(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """(key, key node, value node) of a mapping; nothing for other nodes."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                yield str(key.value), key, value


def get(node: Node | None, key: str) -> Node | None:
    for name, _, value in pairs(node):
        if name == key:
            return value
    return None


def key_node(node: Node | None, key: str) -> Node | None:
    for name, knode, _ in pairs(node):
        if name == key:
            return knode
    return None


def scalar(node: Node | None) -> str | None:
    return str(node.value) if isinstance(node, ScalarNode) else None


def items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def text_lines(node: Node) -> list[tuple[int, str]]:
    """Each line of a scalar with the file line it is on (exact for `|` blocks and
    one-line scalars, the first line otherwise)."""
    value = scalar(node)
    if value is None:
        return []
    first = line(node)
    style = getattr(node, "style", None)
    if style == "|":
        return [(first + 1 + i, text) for i, text in enumerate(value.splitlines())]
    start = first + 1 if style == ">" else first
    return [(start, text) for text in value.splitlines()]


def strings(node: Node | None) -> Iterator[Node]:
    """Every scalar node of a value that is a string or a list of strings."""
    if isinstance(node, ScalarNode):
        yield node
    for item in items(node):
        if isinstance(item, ScalarNode):
            yield item
