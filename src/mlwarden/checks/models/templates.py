"""Chat templates (Jinja2): judged on their syntax tree, never rendered.

A template escapes the Jinja2 sandbox by walking special attributes from a literal to
the interpreter (`().__class__.__base__.__subclasses__()`, `cycler.__init__.__globals__`):
every step needs an attribute or item whose name starts with `_`, which is exactly what
`SandboxedEnvironment.is_safe_attribute` refuses. llama-cpp-python rendered GGUF templates
without the sandbox (CVE-2024-34359); old Jinja2 sandboxes leak `str.format`
(CVE-2024-56326, CVE-2025-27516). So the template is parsed with jinja2 (no rendering),
constant expressions are folded in a sandboxed environment (`'__in' ~ 'it__'`,
`'\\x5f\\x5f'`, `['__cla', 'ss__']|join`), `{% set %}` names are followed, and any access
to a `_` name, any dunder name or string, `.format` reached by attribute, and
`import`/`include`/`extends` are reported. A chat template needs none of these.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from mlwarden.checks.models.verdicts import where
from mlwarden.core.findings import Severity

if TYPE_CHECKING:
    from mlwarden.checks.models.analyzer import Analyzer

_DUNDER = re.compile(r"^__\w+__$")
_FORMAT_FIELD = re.compile(r"\{[^{}]*[.\[][^{}]*\}")
_LOADERS = (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)


class _Generation(Extension):
    """transformers' `{% generation %}...{% endgeneration %}` (assistant masks)."""

    tags = {"generation"}  # noqa: RUF012 (jinja2's own class attribute)

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.Scope(body, lineno=lineno)


def environment() -> jinja2.Environment:
    # The environments chat templates are compiled in (transformers: loopcontrols and
    # the generation tag; others: `do`). Sandboxed, so folding constants calls nothing.
    return ImmutableSandboxedEnvironment(
        extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do", _Generation]
    )


def findings(source: str, *, strict: bool) -> list[tuple[str, str, Severity]]:
    """(subject, what, severity) for each escape shape; raises TemplateSyntaxError."""
    env = environment()
    tree = env.parse(source)
    ctx = nodes.EvalContext(env)
    names: dict[str, Any] = {}
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name):
            names[assign.target.name] = _fold(assign.node, ctx, names)
    found: dict[str, tuple[str, Severity]] = {}

    def hit(subject: str, what: str, severity: Severity = Severity.CRITICAL) -> None:
        found.setdefault(subject, (what, severity))

    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            hit(node.attr, f"reaches the attribute `{node.attr}`")
        elif isinstance(node, nodes.Getitem):
            key = _fold(node.arg, ctx, names)
            if isinstance(key, str) and key.startswith("_"):
                hit(key, f"reaches the item `{key}`")
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
            key = _fold(node.args[0], ctx, names)
            if isinstance(key, str):
                if key.startswith("_") or key in ("format", "format_map"):
                    hit(key, f"reaches the attribute `{key}` through |attr")
            elif strict:
                hit(
                    "attr:dynamic", "reads attributes named at render time (|attr)", Severity.MEDIUM
                )
        elif isinstance(node, nodes.Name) and node.name.startswith("__"):
            hit(node.name, f"uses the name `{node.name}`")
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            if node.node.attr in ("format", "format_map"):
                text = _fold(node.node.node, ctx, names)
                if not isinstance(text, str) or _FORMAT_FIELD.search(text):
                    hit("format", "calls str.format with attribute or index fields", Severity.HIGH)
        elif isinstance(node, _LOADERS):
            hit(
                type(node).__name__,
                f"loads other templates ({type(node).__name__})",
                Severity.MEDIUM,
            )
        if isinstance(node, (nodes.Const, nodes.Concat, nodes.Add, nodes.Mul, nodes.Filter)):
            value = _fold(node, ctx, names)
            if isinstance(value, str) and _DUNDER.match(value):
                hit(value, f"builds the special name `{value}`")
    return [(subject, what, severity) for subject, (what, severity) in sorted(found.items())]


def _fold(node: nodes.Node, ctx: nodes.EvalContext, names: dict[str, Any]) -> Any:
    if isinstance(node, nodes.Name):
        return names.get(node.name)
    if not isinstance(node, nodes.Expr):
        return None
    try:
        return node.as_const(ctx)
    except Exception:
        return None


def judge_template(
    an: Analyzer, source: str, label: str | None, what: str, *, strict: bool
) -> bool:
    """Report escapes in one template; `strict` when the text is known to be a chat
    template (then a parse error is unreadable: the consumer compiles it anyway).
    Returns whether the text parsed as a template."""
    try:
        shapes = findings(source, strict=strict)
    except (jinja2.TemplateSyntaxError, RecursionError, MemoryError, ValueError) as exc:
        if strict:
            an.error(label, f"{what} is not a valid Jinja2 template ({exc})")
        return False
    if not shapes:
        return True
    worst = max(severity for _, _, severity in shapes)
    described = "; ".join(shape for _, shape, _ in shapes[:3])
    more = f" (and {len(shapes) - 3} more)" if len(shapes) > 3 else ""
    an.out.add(
        "MOD011",
        label,
        f"template:{what}",
        f"{what}{where(label)} {described}{more}: the shape of a sandbox escape "
        "(CVE-2024-34359); rendering it can run code. Use a plain chat template",
        worst,
    )
    return True
