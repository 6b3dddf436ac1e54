"""YAML as position-carrying nodes, never as constructed objects: the one YAML reader.

`yaml.compose` keeps every node's position (reports point at the line an editor shows)
and, unlike loading, leaves the key `on` a string (YAML 1.1 would load it as `True`).
Composing never runs constructors, so a hostile file cannot make PyYAML build objects,
and walking visits each node once, so an alias bomb cannot blow up a walk. Used by
config-guard (workflows, CI files) and pins (workflows, conda environments, pre-commit).
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml's composer when PyYAML was built with it: same nodes and marks, faster.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    pass


def compose_all(text: str) -> list[Node]:
    """Every document of a stream (`---`-separated), as nodes."""
    try:
        return [node for node in yaml.compose_all(text, Loader=_LOADER) if node is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = exc.problem or exc.context or "cannot parse"
        raise YamlError(f"invalid YAML{where}: {problem}; not checked") from None
    except (yaml.YAMLError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "cannot parse"
        raise YamlError(f"invalid YAML: {first}; not checked") from None


def compose(text: str) -> Node | None:
    """The first document (a workflow or CI file has one), or None when empty."""
    documents = compose_all(text)
    return documents[0] if documents else None


def line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def scalar(node: Node | None) -> str | None:
    return str(node.value) if isinstance(node, ScalarNode) else None


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


def seq(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def strings(node: Node | None) -> Iterator[Node]:
    """Every scalar node of a value that is a string or a list of strings."""
    if isinstance(node, ScalarNode):
        yield node
    for item in seq(node):
        if isinstance(item, ScalarNode):
            yield item


def walk_pairs(root: Node) -> Iterator[tuple[str, Node, Node]]:
    """Every (key, key node, value node) of every mapping below `root`, each node once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for k, v in node.value:
                key = scalar(k)
                if key is not None:
                    yield key, k, v
                stack.append(v)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)


def text_lines(node: Node) -> list[tuple[int, str]]:
    """Each line of a scalar with the file line it stands on: exact for `|` blocks, the
    block's first line for a folded `>` block, one after another for a plain or quoted
    scalar written over several lines."""
    value = scalar(node)
    if value is None:
        return []
    first = line(node)
    style = getattr(node, "style", None)
    if style == "|":
        return [(first + 1 + i, text) for i, text in enumerate(value.splitlines())]
    if style == ">":
        return [(first + 1, text) for text in value.splitlines()]
    return [(first + i, text) for i, text in enumerate(value.splitlines())]
