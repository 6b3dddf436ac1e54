"""False-positive classes that need the code around the flagged call (issue 16).

Each function answers, from the file's syntax tree (`flow.Module`), whether one bandit
finding is a class of false positive found on real ML repositories, and says nothing
(False) when it cannot tell: a filter never drops what it could not read.
"""

from __future__ import annotations

import ast
import ipaddress
import re

from mlwarden.checks.bandit.flow import Module, argument, call_name, dotted

# --- B602 / B605: a shell string the code wrote itself -------------------------------------

_SHELL_CALLS = frozenset(
    {"system", "popen", "Popen", "run", "call", "check_call", "check_output", "getoutput",
     "getstatusoutput", "spawn"}
)  # fmt: skip
# A constant command that installs software is still a finding: `os.system("pip install -U
# ultralytics")` at import time installs whatever release is newest (the Dec 2024 ultralytics
# compromise shipped exactly that way).
_INSTALLS = re.compile(
    r"\b(?:pip[0-9.]*|uv\s+pip|conda|mamba|micromamba|npm|yarn|gem|apt(?:-get)?|apk|yum|brew)"
    r"\s+(?:\S+\s+)*?(?:install|add)\b|\b(?:curl|wget)\b"
)


def shell_of_internal_text(module: Module, line: int, column: int = 0) -> bool:
    """B602/B605 on a command string the code alone decides (a literal, or a constant the
    module defines): nothing from outside reaches the shell. Installs stay reported."""
    call = module.call_at(line, _SHELL_CALLS, column)
    if call is None:
        return False
    command = argument(call, 0, "args", "cmd", "command")
    if command is None or not module.is_internal(command, call):
        return False
    return not _INSTALLS.search(_static_text(module, command))


def _static_text(module: Module, expr: ast.expr) -> str:
    """Every literal piece of a string expression, names followed, joined by spaces."""
    pieces: list[str] = []
    for node in ast.walk(expr):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            pieces.append(node.value)
        elif isinstance(node, ast.Name):
            values = module.assigned(module.scope_of(node), node.id) or module.assigned(
                module.tree, node.id
            )
            pieces += [_static_text(module, v) for v in values if v is not None and v is not expr]
    return " ".join(pieces)


# --- B104: "0.0.0.0" compared against, not bound -------------------------------------------

_ALL_INTERFACES = str(ipaddress.IPv4Address(0))  # spelt out, bandit would flag this line


def bind_all_compared(module: Module, line: int, column: int = 0) -> bool:
    """B104 on `host == "0.0.0.0"` or `host in ("0.0.0.0", "::")`: a test, not a bind."""
    constants = module.constants_at(line, _ALL_INTERFACES)
    if not constants:
        return False
    for constant in constants:
        parent = module.parent(constant)
        if isinstance(parent, (ast.Tuple, ast.List, ast.Set)):
            parent = module.parent(parent)
        if not isinstance(parent, ast.Compare):
            return False
    return True


# --- B310: a URL whose scheme the code fixes -----------------------------------------------

_URL_CALLS = frozenset({"urlopen", "urlretrieve", "Request", "URLopener", "FancyURLopener"})
_WEB_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME_GUARD = re.compile(
    r"""\.startswith\(\s*\(?\s*["']https?:?/?/?["']|\.scheme\s*(?:not\s+)?in\s*[(\[{]\s*["']https?["']"""
    r"""|\.scheme\s*[!=]=\s*["']https?["']"""
)


def fixed_scheme_url(module: Module, line: int, source_text: str, column: int = 0) -> bool:
    """B310 (`urlopen` may open `file:` URLs) when the code fixes the scheme: a literal
    `https://…` URL or one built on it, or a URL checked to be http(s) first."""
    call = module.call_at(line, _URL_CALLS, column)
    if call is None:
        return False
    url = argument(call, 0, "url", "fullurl")
    if url is None:
        return False
    if isinstance(url, ast.Call) and call_name(url) == "Request":
        url = argument(url, 0, "url")
    if _WEB_SCHEME.match(module.literal_prefix(url)):
        return True
    scope = module.scope_of(call)
    if isinstance(scope, ast.Module):
        return False
    body = ast.get_source_segment(source_text, scope) or ""
    return _SCHEME_GUARD.search(body) is not None


# --- B102 / B307: eval or exec of text the code wrote -------------------------------------

_NUMERIC_CHECKS = frozenset({"isnumeric", "isdigit", "isdecimal"})


def eval_of_internal_text(module: Module, line: int, column: int = 0) -> bool:
    """`eval("1 + 2")`, `exec(open("pkg/version.py").read())` in setup.py (the repository's
    own file), `eval(s) if s.isnumeric() else s`: no outside text becomes code."""
    call = module.call_at(line, frozenset({"eval", "exec"}), column)
    if call is None or not call.args:
        return False
    text = call.args[0]
    if module.is_internal(text, call) or _reads_own_file(module, text):
        return True
    parent = module.parent(call)
    if isinstance(parent, ast.IfExp) and parent.body is call and isinstance(text, ast.Name):
        test = parent.test
        return (
            isinstance(test, ast.Call)
            and call_name(test) in _NUMERIC_CHECKS
            and isinstance(test.func, ast.Attribute)
            and isinstance(test.func.value, ast.Name)
            and test.func.value.id == text.id
        )
    return False


def _reads_own_file(module: Module, expr: ast.expr) -> bool:
    """`open(<internal path>).read()` / `Path(<internal>).read_text()`: a file of the
    repository, addressed by a path the code fixes."""
    if isinstance(expr, ast.Name):
        values = module.assigned(module.scope_of(expr), expr.id)
        return bool(values) and all(v is not None and _reads_own_file(module, v) for v in values)
    if not (isinstance(expr, ast.Call) and call_name(expr) in ("read", "read_text")):
        return False
    receiver = expr.func.value if isinstance(expr.func, ast.Attribute) else None
    if isinstance(receiver, ast.Call) and call_name(receiver) in ("open", "Path"):
        path = argument(receiver, 0, "file")
        return path is not None and module.is_internal(path, receiver)
    return receiver is not None and module.is_internal(receiver, expr)


# --- B506: a safe loader under another name ------------------------------------------------

_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})


def safe_yaml_loader(module: Module, line: int, column: int = 0) -> bool:
    """`yaml.load(f, Loader=Loader)` where `Loader` is `CSafeLoader` imported or assigned
    under another name (`from yaml import CSafeLoader as Loader`, with a `SafeLoader`
    fallback): bandit compares the spelling, not the object."""
    call = module.call_at(line, frozenset({"load", "load_all"}), column)
    loader = argument(call, 1, "Loader") if call is not None else None
    return loader is not None and _is_safe_loader(module, loader, 0)


def _is_safe_loader(module: Module, expr: ast.expr, depth: int) -> bool:
    if depth > 4:
        return False
    name = dotted(expr).rsplit(".", 1)[-1]
    if name in _SAFE_LOADERS:
        return True
    if isinstance(expr, ast.IfExp):
        return _is_safe_loader(module, expr.body, depth + 1) and _is_safe_loader(
            module, expr.orelse, depth + 1
        )
    if isinstance(expr, ast.Call) and call_name(expr) == "getattr" and len(expr.args) == 3:
        attribute, fallback = expr.args[1], expr.args[2]
        return (
            isinstance(attribute, ast.Constant)
            and attribute.value in _SAFE_LOADERS
            and _is_safe_loader(module, fallback, depth + 1)
        )
    if not isinstance(expr, ast.Name):
        return False
    imported = module.imported_as(expr.id)
    values = module.assigned(module.scope_of(expr), expr.id) or module.assigned(
        module.tree, expr.id
    )
    assigned = [v for v in values if v is not None]
    if not imported and not assigned:
        return False
    if any(
        mod.split(".")[0] != "yaml" or original not in _SAFE_LOADERS for mod, original in imported
    ):
        return False
    return all(_is_safe_loader(module, v, depth + 1) for v in assigned)


# --- B608: SQL with internal identifiers and bound values ----------------------------------

_IDENTIFIER_SLOT = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE|EXISTS)\s*$", re.IGNORECASE)


def sql_with_internal_identifiers(module: Module, line: int, column: int = 0) -> bool:
    """B608 on `f"SELECT v FROM {self._table()} WHERE v = :v"`: every interpolation names a
    table the class or module decides, and values are bound parameters."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.JoinedStr) and node.lineno <= line <= (node.end_lineno or 0):
            return _only_identifier_slots(module, node)
    return False


def _only_identifier_slots(module: Module, string: ast.JoinedStr) -> bool:
    before = ""
    holes = 0
    for value in string.values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            before = value.value
            continue
        if not isinstance(value, ast.FormattedValue) or not _IDENTIFIER_SLOT.search(before):
            return False
        if not (module.is_internal(value.value, string) or _of_self(value.value)):
            return False
        holes += 1
    return holes > 0


def _of_self(expr: ast.expr) -> bool:
    """`self._table_name()` / `self.TABLE`: the class names its own table."""
    if isinstance(expr, ast.Call) and not expr.args and not expr.keywords:
        expr = expr.func
    return isinstance(expr, ast.Attribute) and dotted(expr).startswith(("self.", "cls."))
