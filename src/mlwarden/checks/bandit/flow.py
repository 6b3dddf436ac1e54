"""What the code around a bandit finding says about its values, read from the file's AST.

bandit judges one call at a time; several of its false-positive classes are only visible
one step away: the shell string is a literal the module defines, the URL's scheme is fixed
by the code, the YAML loader is `CSafeLoader` imported under another name, the Hub id is
a folder the script itself just wrote. `Module` answers those questions from the file's
own syntax tree (stdlib `ast`: bandit parses the same text), never by running anything.

A value is *internal* when the code alone decides it: a literal, an f-string or `+` of
internal parts, a name assigned only internal values in its scope (not a parameter, not a
loop or `with` target), or `__file__` and paths built from it. Anything else — arguments,
attributes of objects, results of calls we do not know — is external.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

_Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
_MAX_DEPTH = 6
# Values the interpreter decides, not the user.
_INTERNAL_ATTRIBUTES = frozenset(
    {"sys.executable", "sys.prefix", "os.sep", "os.pathsep", "os.curdir", "os.devnull"}
)
# Calls whose result is internal when their arguments are: string and path building.
_PURE_CALLS = frozenset(
    {"str", "Path", "PurePath", "PosixPath", "join", "format", "strip", "rstrip", "lstrip",
     "replace", "lower", "upper", "resolve", "absolute", "as_posix", "joinpath", "dirname",
     "abspath", "realpath", "basename", "with_suffix", "with_name", "expanduser"}
)  # fmt: skip


@dataclass
class Module:
    """A parsed file and the parent of each node, built once per file."""

    tree: ast.Module
    parents: dict[int, ast.AST] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def scope_of(self, node: ast.AST) -> _Scope:
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return ancestor
        return self.tree

    def calls_at(self, line: int) -> list[ast.Call]:
        """Calls that span `line`, innermost (shortest) first."""
        found = [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Call)
            and node.lineno <= line <= (node.end_lineno or node.lineno)
        ]
        return sorted(found, key=lambda n: ((n.end_lineno or n.lineno) - n.lineno, -n.lineno))

    def call_at(self, line: int, names: frozenset[str], column: int = 0) -> ast.Call | None:
        """The call named one of `names` that starts at `line`:`column` (1-based, as
        bandit reports it), else the innermost one spanning `line`."""
        named = [call for call in self.calls_at(line) if call_name(call) in names]
        for call in named:
            if call.lineno == line and call.col_offset + 1 == column:
                return call
        return named[0] if named else None

    def constants_at(self, line: int, value: str) -> list[ast.Constant]:
        return [
            node
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Constant) and node.value == value and node.lineno == line
        ]

    # --- names -----------------------------------------------------------------------

    def assigned(self, scope: _Scope, name: str) -> list[ast.expr | None]:
        """Every value bound to `name` directly in `scope` (None: bound by something we do
        not follow, such as a loop, a `with` target, an import or a tuple unpacking)."""
        values: list[ast.expr | None] = []
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        values.append(node.value)
                    elif _binds(target, name):
                        values.append(None)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                if isinstance(node.target, ast.Name) and node.target.id == name:
                    if isinstance(node, ast.AugAssign):
                        values.append(None if node.value is None else node.value)
                    elif node.value is not None:
                        values.append(node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                if _binds(node.target, name):
                    values.append(None)
            elif isinstance(node, ast.withitem):
                if node.optional_vars is not None and _binds(node.optional_vars, name):
                    values.append(None)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                    values.append(None)
            elif isinstance(node, ast.NamedExpr) and node.target.id == name:
                values.append(node.value)
        return values

    def imported_as(self, name: str) -> list[tuple[str, str]]:
        """(module, original name) of every `from module import original as name`."""
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        found.append((node.module or "", alias.name))
        return found

    def is_parameter(self, scope: _Scope, name: str) -> bool:
        if isinstance(scope, ast.Module):
            return False
        args = scope.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        return any(a.arg == name for a in every)

    def is_internal(self, expr: ast.expr | None, at: ast.AST, depth: int = 0) -> bool:
        """True when the code alone decides the value of `expr` (seen from node `at`)."""
        if expr is None or depth > _MAX_DEPTH:
            return False
        inner = depth + 1
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.JoinedStr):
            return all(self.is_internal(v, at, inner) for v in expr.values)
        if isinstance(expr, ast.FormattedValue):
            return self.is_internal(expr.value, at, inner)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod, ast.Div)):
            return self.is_internal(expr.left, at, inner) and self.is_internal(
                expr.right, at, inner
            )
        if isinstance(expr, (ast.Tuple, ast.List)):
            return all(self.is_internal(e, at, inner) for e in expr.elts)
        if isinstance(expr, ast.IfExp):
            return self.is_internal(expr.body, at, inner) and self.is_internal(
                expr.orelse, at, inner
            )
        if isinstance(expr, ast.Name):
            return self._name_is_internal(expr.id, at, inner)
        if isinstance(expr, ast.Attribute):
            if dotted(expr) in _INTERNAL_ATTRIBUTES:
                return True
            # `Path(__file__).parent`, `ROOT.name`: an attribute of an internal value.
            return self.is_internal(expr.value, at, inner)
        if isinstance(expr, ast.Subscript):
            return self.is_internal(expr.value, at, inner) and self.is_internal(
                expr.slice, at, inner
            )
        if isinstance(expr, ast.Call) and call_name(expr) in _PURE_CALLS:
            receiver = expr.func.value if isinstance(expr.func, ast.Attribute) else None
            parts: list[ast.expr] = [*expr.args, *(k.value for k in expr.keywords)]
            if receiver is not None and not _is_module_name(receiver):
                parts.append(receiver)
            return all(self.is_internal(p, at, inner) for p in parts)
        return False

    def _name_is_internal(self, name: str, at: ast.AST, depth: int) -> bool:
        if name == "__file__":
            return True
        scope = self.scope_of(at)
        while True:
            if self.is_parameter(scope, name):
                return False
            values = self.assigned(scope, name)
            if values:
                return all(v is not None and self.is_internal(v, v, depth) for v in values)
            if isinstance(scope, ast.Module):
                return False  # a builtin, a global set elsewhere, a star import
            scope = self.scope_of(scope)

    def literal_prefix(self, expr: ast.expr | None, depth: int = 0) -> str:
        """The fixed text a string expression starts with ("" when unknown)."""
        if expr is None or depth > _MAX_DEPTH:
            return ""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.JoinedStr) and expr.values:
            return self.literal_prefix(expr.values[0], depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self.literal_prefix(expr.left, depth + 1)
        if isinstance(expr, ast.Name):
            values = self._values_of(expr.id, expr)
            prefixes = {self.literal_prefix(v, depth + 1) for v in values if v is not None}
            if values and None not in values and len(prefixes) == 1:
                return prefixes.pop()
        return ""

    def _values_of(self, name: str, at: ast.AST) -> list[ast.expr | None]:
        scope = self.scope_of(at)
        while True:
            if self.is_parameter(scope, name):
                return [None]
            values = self.assigned(scope, name)
            if values or isinstance(scope, ast.Module):
                return values
            scope = self.scope_of(scope)


def _own_nodes(scope: _Scope) -> Iterator[ast.AST]:
    """Nodes of `scope` without descending into nested functions and classes."""
    stack: list[ast.AST] = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _binds(target: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _is_module_name(node: ast.expr) -> bool:
    """`os.path`, `os`: a module the call is looked up on, not a value."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in {"os", "path", "posixpath", "pathlib"}


def call_name(call: ast.Call) -> str:
    """The last component of the called name: `urllib.request.urlopen` -> `urlopen`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def dotted(node: ast.expr) -> str:
    """`yaml.CSafeLoader` -> "yaml.CSafeLoader"; "" for anything but names and attributes."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def argument(call: ast.Call, position: int, *keywords: str) -> ast.expr | None:
    """The call's argument at `position`, else the first of `keywords` given."""
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    for keyword in call.keywords:
        if keyword.arg in keywords:
            return keyword.value
    return None


@lru_cache(maxsize=4)
def parse(text: str) -> Module | None:
    """The file's module, or None when it does not parse (bandit then reports nothing)."""
    try:
        return Module(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
