"""Read the peers' own test strings out of their source, without running their code.

gitleaks: every `cmd/generate/config/rules/*.go` rule builds `tps` (must match) and `fps`
(must not) from Go string literals, `utils.GenerateSampleSecret(s)` (templates read from the
snapshot's `utils/generate.go`), `secrets.NewSecret(<regex>)` (a random string matching the
regex: generated here with Python's regex parser, seeded), `fmt.Sprintf` and `append`. A
few expressions are built by loops or helpers this evaluator does not know; they are
counted as skipped, never guessed.

detect-secrets: every `tests/plugins/*_test.py` holds `pytest.mark.parametrize` tables of
`(payload, should_flag)` (or a single `payload` column that must be found), evaluated here
from the syntax tree with the module's string constants; cases built from random data or
helper calls are skipped.
"""

from __future__ import annotations

import ast
import random
import re
import re._constants as C
import re._parser as P
import string
from collections.abc import Iterator
from dataclasses import dataclass

try:  # the regex parser is the generator's input (renamed in Python 3.11)
    import re._constants as C
    import re._parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]


@dataclass(frozen=True)
class PeerCase:
    tool: str
    rule: str  # gitleaks rule id / detect-secrets plugin test module
    source: str  # file in the snapshot
    text: str
    positive: bool
    ext: str = "txt"


class Unsupported(Exception):
    pass


# --- a random string for a (Go) regex -----------------------------------------------------
_WORD = string.ascii_letters + string.digits + "_"
_CATEGORY = {
    C.CATEGORY_DIGIT: string.digits,
    C.CATEGORY_WORD: _WORD,
    C.CATEGORY_SPACE: " ",
    C.CATEGORY_NOT_DIGIT: string.ascii_letters,
    C.CATEGORY_NOT_WORD: "-.",
    C.CATEGORY_NOT_SPACE: _WORD,
}


_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT))


def _go_to_python(regex: str) -> str:
    regex = regex.replace("[[:alnum:]]", "[A-Za-z0-9]").replace("(?-i:", "(?:")
    regex = regex.replace("\\z", "\\Z")
    return re.sub(r"\(\?i\)|\(\?i:", lambda m: "" if m.group() == "(?i)" else "(?:", regex)


def random_match(regex: str, rng: random.Random) -> str:
    try:
        parsed = P.parse(_go_to_python(regex))
    except (re.error, OverflowError) as exc:
        raise Unsupported(f"regex {regex!r}: {exc}") from None
    return _emit(parsed, rng)


def _charset(items: list, rng: random.Random) -> str:
    chars: list[str] = []
    negate = False
    for op, arg in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            chars.append(chr(arg))
        elif op is C.RANGE:
            chars.extend(chr(c) for c in range(arg[0], arg[1] + 1))
        elif op is C.CATEGORY:
            chars.extend(_CATEGORY[arg])
    if negate:
        chars = [c for c in _WORD if c not in chars]
    return rng.choice(chars)


def _emit(parsed, rng: random.Random) -> str:
    out: list[str] = []
    for op, arg in parsed:
        if op is C.LITERAL:
            out.append(chr(arg))
        elif op is C.NOT_LITERAL:
            out.append(rng.choice([c for c in _WORD if ord(c) != arg]))
        elif op is C.ANY:
            out.append(rng.choice(_WORD))
        elif op is C.IN:
            out.append(_charset(arg, rng))
        elif op is C.BRANCH:
            out.append(_emit(rng.choice(arg[1]), rng))
        elif op is C.SUBPATTERN:
            out.append(_emit(arg[-1], rng))
        elif op in _REPEATS:
            low, high, sub = arg
            high = low + 10 if high is C.MAXREPEAT else high
            out.extend(_emit(sub, rng) for _ in range(rng.randint(low, max(low, high))))
        elif op is C.CATEGORY:
            out.append(rng.choice(_CATEGORY[arg]))
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        else:
            raise Unsupported(f"regex op {op}")
    return "".join(out)


# --- a tiny Go expression evaluator ----------------------------------------------------------
_TOKEN = re.compile(
    r"""(?P<ws>\s+|//[^\n]*|/\*.*?\*/)|(?P<raw>`[^`]*`)|(?P<str>"(?:\\.|[^"\\\n])*")"""
    r"""|(?P<ident>\[\][A-Za-z_]\w*|[A-Za-z_][\w.]*(?:\[\w*\]\w*)*)|(?P<num>\d+)|(?P<op>\.\.\.|:=|[-+(){}\[\],:=])""",
    re.S,
)


def go_tokens(src: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            tokens.append(("op", src[pos]))
            pos += 1
            continue
        pos = m.end()
        if m.lastgroup != "ws":
            tokens.append((m.lastgroup, m.group()))
    return tokens


def _go_string(kind: str, text: str) -> str:
    if kind == "raw":
        return text[1:-1].replace("\r", "")
    return ast.literal_eval(text)


class GoEval:
    """Evaluates the expressions `tps`/`fps` are built from; values are str or list[str]."""

    def __init__(self, tokens: list[tuple[str, str]], rng: random.Random, lib: dict) -> None:
        self.t, self.i, self.rng, self.lib = tokens, 0, rng, lib
        self.env: dict[str, object] = {}

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise Unsupported(f"expected {value!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def skip_to_statement_end(self) -> None:
        depth = 0
        while self.peek()[0] != "eof":
            kind, val = self.take()
            depth += val in "([{" and kind == "op"
            depth -= val in ")]}" and kind == "op"
            if depth <= 0 and self.peek()[0] == "ident" and self.peek(1)[1] in (":=", "="):
                return

    def expr(self) -> object:
        value = self.term()
        while self.peek()[1] == "+":
            self.take()
            right = self.term()
            if not isinstance(value, str) or not isinstance(right, str):
                raise Unsupported("+ on a list")
            value += right
        return value

    def term(self) -> object:
        kind, val = self.take()
        if kind in ("raw", "str"):
            return _go_string(kind, val)
        if kind == "num":
            return val
        if kind != "ident":
            raise Unsupported(f"token {val!r}")
        if val in ("[]string", "map[string]string"):
            return self.composite(keyed=val.startswith("map"))
        if self.peek()[1] == "(":
            return self.call(val)
        if val in self.env:
            return self.env[val]
        raise Unsupported(f"unknown name {val}")

    def composite(self, *, keyed: bool) -> list[str]:
        self.take("{")
        items: list[str] = []
        while self.peek()[1] != "}":
            if keyed:
                self.expr()
                self.take(":")
            start = self.i
            try:
                value = self.expr()
                items.extend(value if isinstance(value, list) else [value])
            except Unsupported:
                self.i = start
                self._skip_element()
                self.lib["skipped"] += 1
            if self.peek()[1] == ",":
                self.take()
        self.take("}")
        return items

    def _skip_element(self) -> None:
        depth = 0
        while True:
            val = self.peek()[1]
            if depth == 0 and val in (",", "}"):
                return
            depth += val in ("(", "{", "[")
            depth -= val in (")", "}", "]")
            self.take()

    def call(self, name: str) -> object:
        self.take("(")
        args: list[object] = []
        while self.peek()[1] != ")":
            args.append(self.expr())
            if self.peek()[1] == "...":
                self.take()
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        return self.apply(name, args)

    def apply(self, name: str, args: list[object]) -> object:
        short = name.rsplit(".", 1)[-1]
        if name == "append":
            out: list[str] = []
            for arg in args:
                out.extend(arg if isinstance(arg, list) else [str(arg)])
            return out
        if short == "NewSecret":
            return random_match(str(args[0]), self.rng)
        if short in self.lib["patterns"]:
            return self.lib["patterns"][short].replace("%s", str(args[0]) if args else "")
        if short == "GenerateSampleSecret":
            return self.lib["sample"] % (args[0], args[1])
        if short == "GenerateSampleSecrets":
            ident, secret = str(args[0]), str(args[1])
            return [
                t.replace("{i}", ident).replace("{I}", ident.upper()).replace("{s}", secret)
                for t in self.lib["samples"]
            ]
        if name == "fmt.Sprintf":
            try:
                return str(args[0]) % tuple(str(a) for a in args[1:])
            except (TypeError, ValueError):
                raise Unsupported("Sprintf verbs") from None
        if name == "strings.Repeat":
            return str(args[0]) * int(str(args[1]))
        raise Unsupported(f"call {name}")


def go_library(generate_go: str, patterns_go: str) -> dict:
    """Templates the rules call, read from the snapshot itself."""
    sample = re.search(r'func GenerateSampleSecret\(.*?fmt\.Sprintf\((".*?"),', generate_go, re.S)
    samples_src = generate_go[generate_go.index("samples := map[string]string{") :]
    lib: dict = {"skipped": 0, "patterns": {}, "samples": [], "sample": "%s = %s"}
    if sample:
        lib["sample"] = ast.literal_eval(sample.group(1)).replace("%s", "%s", 2)
    ev = GoEval(go_tokens(samples_src[len("samples := ") :]), random.Random(0), lib)
    ev.take()  # map[string]string
    lib["samples"] = ev.composite(keyed=True)
    for fn, fmt in re.findall(
        r"func (\w+)\([^)]*\) string \{\s*return fmt\.Sprintf\(`([^`]*)`", patterns_go
    ):
        lib["patterns"][fn] = fmt
    for fn, lit in re.findall(r"func (\w+)\(\) string \{\s*return `([^`]*)`", patterns_go):
        lib["patterns"][fn] = lit
    return lib


def gitleaks_cases(path: str, src: str, lib: dict, rng: random.Random) -> Iterator[PeerCase]:
    for chunk in re.split(r"\nfunc ", src)[1:]:
        rule = re.search(r'RuleID:\s*"([^"]+)"', chunk)
        if not rule:
            continue
        ev = GoEval(go_tokens(chunk), rng, lib)
        while ev.peek()[0] != "eof":
            kind, name = ev.peek()
            if kind == "ident" and ev.peek(1)[1] in (":=", "=") and name.isidentifier():
                ev.i += 2
                start = ev.i
                try:
                    ev.env[name] = ev.expr()
                except (Unsupported, IndexError, ValueError, SyntaxError):
                    ev.i = start
                    if name in ("tps", "fps"):
                        lib["skipped"] += 1
                    ev.skip_to_statement_end()
                continue
            ev.i += 1
        for var, positive in (("tps", True), ("fps", False)):
            value = ev.env.get(var, [])
            for text in value if isinstance(value, list) else [value]:
                yield PeerCase("gitleaks", rule.group(1), path, str(text), positive)


# --- detect-secrets: parametrize tables -----------------------------------------------------
def _py_eval(node: ast.AST, env: dict[str, object]) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in env:
        return env[node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [_py_eval(e, env) for e in node.elts]
    if isinstance(node, ast.Name) and node.id[:1].isupper() and not node.id.isupper():
        return None  # a class (`HexHighEntropyString`): no string
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _py_eval(node.left, env) + _py_eval(node.right, env)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        right = _py_eval(node.right, env)
        return _py_eval(node.left, env) % (tuple(right) if isinstance(right, list) else right)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            inner = value.value if isinstance(value, ast.FormattedValue) else value
            parts.append(str(_py_eval(inner, env)))
        return "".join(parts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        base = _py_eval(node.func.value, env)
        args = [_py_eval(a, env) for a in node.args]
        kwargs = {k.arg: _py_eval(k.value, env) for k in node.keywords}
        return str(base).format(*args, **kwargs)
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "parse_test_cases":
        out = []
        for ext, table in _py_eval(node.args[0], env):
            out.extend([ext, line, secret] for line, secret in table)
        return out
    raise Unsupported(ast.dump(node)[:80])


def detect_secrets_cases(path: str, src: str) -> Iterator[PeerCase]:
    tree = ast.parse(src)
    env: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    env[target.id] = _lenient(node.value, env)
                except _ERRORS:
                    continue
    rule = path.rsplit("/", 1)[-1].removesuffix("_test.py")
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("parametrize")):
            continue
        names = [n.strip() for n in str(_py_eval(node.args[0], env)).split(",")]
        rows = (
            node.args[1].elts if isinstance(node.args[1], (ast.List, ast.Tuple)) else [node.args[1]]
        )
        for row in rows:
            try:
                value = _py_eval(row, env)
            except _ERRORS:
                continue
            yield from _rows(rule, path, names, value)


_ERRORS = (Unsupported, TypeError, KeyError, IndexError, ValueError, AttributeError)


def _lenient(node: ast.AST, env: dict[str, object]) -> object:
    """A module-level table: rows that cannot be evaluated (random data) are dropped."""
    if isinstance(node, (ast.List, ast.Tuple)):
        rows = []
        for elt in node.elts:
            try:
                rows.append(_py_eval(elt, env))
            except _ERRORS:
                continue
        return rows
    return _py_eval(node, env)


def _rows(rule: str, path: str, names: list[str], value: object) -> Iterator[PeerCase]:
    if names[:1] in (["payload"], ["line"], ["file_content"]) and len(names) == 1:
        yield PeerCase("detect-secrets", rule, path, str(value), True)
    elif len(names) == 2 and names[1] in ("should_flag",) and isinstance(value, list):
        yield PeerCase("detect-secrets", rule, path, str(value[0]), bool(value[1]))
    elif names == ["file_extension", "line", "expected_secret"] and isinstance(value, list):
        for ext, line, secret in value:
            yield PeerCase("detect-secrets", rule, path, str(line), bool(secret), ext or "txt")
    elif names == ["plugin", "non_secret", "secret"] and isinstance(value, list):
        yield PeerCase("detect-secrets", rule, path, f'"{value[2]}"', True)
        yield PeerCase("detect-secrets", rule, path, f'"{value[1]}"', False)
