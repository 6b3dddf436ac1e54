"""YAML as nodes with line numbers (PyYAML's composer), never as constructed objects.

Composing does not build Python objects, so no tag is ever executed; aliases are
walked once each, so an alias bomb cannot blow up the walk.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    pass


def compose(text: str) -> list[yaml.Node]:
    try:
        return [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise YamlError(f"invalid YAML: {exc.problem or exc.context}{where}") from None
    except (yaml.YAMLError, RecursionError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unreadable"
        raise YamlError(f"invalid YAML: {first}") from None


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def scalar(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def items(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        return list(node.value)
    return []


def get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    for k, v in items(node):
        if scalar(k) == key:
            return v
    return None


def seq(node: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def walk_pairs(root: yaml.Node) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """Every (key, key node, value node) of every mapping below `root`, each node once."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = scalar(k)
                if key is not None:
                    yield key, k, v
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def block_lines(node: yaml.Node) -> list[tuple[int, str]]:
    """(file line, text) for each line of a scalar's value.

    For `|`/`>` block scalars the value starts on the line after the indicator; a
    plain or quoted scalar is mapped line by line from where it starts.
    """
    value = scalar(node) or ""
    first = line_of(node) + (1 if getattr(node, "style", None) in ("|", ">") else 0)
    return [(first + i, text) for i, text in enumerate(value.split("\n"))]
