"""Checks of one shell script line or `run:` block, shared by GitHub and GitLab CI.

An expression is tainted when an attacker picks its value (a PR title, a branch name);
numbers, ids and shas cannot carry shell syntax and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from yaml.nodes import Node

from mlwarden.checks.config_guard.common import Hit
from mlwarden.checks.config_guard.rules import CFG002, CFG005, CFG006
from mlwarden.core import yamlpos as y
from mlwarden.core.shell import pipe_to_shell

EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
EVENT_PATH = re.compile(r"github\.event((?:\.[A-Za-z0-9_-]+|\[[^\]]*\]|\.\*)+)|github\.head_ref")
# Leaves an attacker cannot turn into shell syntax: numbers, ids, shas, booleans, dates.
SAFE_LEAVES = frozenset(
    {
        "number",
        "id",
        "node_id",
        "sha",
        "head_sha",
        "before",
        "after",
        "draft",
        "merged",
        "created_at",
        "updated_at",
        "closed_at",
        "merged_at",
        "run_id",
        "run_number",
        "run_attempt",
        "additions",
        "deletions",
        "changed_files",
        "commits",
        "forced",
        "size",
        "comments",
        "review_comments",
        "workflow_id",
        "check_suite_id",
        "installation",
        "author_association",
        "state",
        "locked",
        "private",
        "fork",
        "login",
    }
)
SECRET_EXPR = re.compile(r"\$\{\{\s*secrets\.[A-Za-z0-9_]+\s*\}\}")
ALL_SECRETS = re.compile(r"toJSON\(\s*secrets\s*\)", re.IGNORECASE)
ECHO = re.compile(r"^\s*(?:echo|printf)\b")
TOKENISH_VAR = re.compile(
    r"\$\{?[A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|"
    r"ACCESS_KEY|PRIVATE_KEY)[A-Za-z0-9_]*\}?",
    re.IGNORECASE,
)


# `${{ env.NAME }}` and `${{ inputs.NAME }}` (not `github.event.inputs`, matched above).
ENV_REF = re.compile(r"(?<![\w.])env\.([A-Za-z_][A-Za-z0-9_-]*)")
INPUT_REF = re.compile(r"(?<![\w.])inputs\.([A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(frozen=True)
class Taint:
    """Names that carry attacker-chosen text into `${{ }}`: environment variables set from
    an attacker context (`env: T: ${{ github.event.issue.title }}`), and the string inputs
    of a reusable workflow (`on: workflow_call`), whose callers may pass event data.
    `workflow_dispatch` inputs are not here: only users with write access set them."""

    env: Mapping[str, str] = field(default_factory=dict)
    inputs: frozenset[str] = frozenset()

    def with_env(self, node: Node | None) -> Taint:
        """This taint plus the variables an `env:` mapping sets from tainted values."""
        added = {
            name: origin
            for name, _, value in y.pairs(node)
            for origin in tainted_expressions(y.scalar(value) or "", self)
        }
        # Setting a variable again from a clean value clears it.
        cleared = {name for name, _, _ in y.pairs(node)} - set(added)
        env = {k: v for k, v in self.env.items() if k not in cleared}
        return Taint({**env, **added}, self.inputs) if added or cleared else self


def tainted_expressions(text: str, taint: Taint | None = None) -> Iterator[str]:
    """Attacker-chosen values that `${{ }}` expressions in `text` expand: event fields,
    and for env/inputs indirection, the event field behind the name."""
    for match in EXPRESSION.finditer(text):
        expression = match.group(1)
        for path in EVENT_PATH.finditer(expression):
            if path.group(0) == "github.head_ref":
                yield "github.head_ref"
                continue
            if path.group(1).startswith(".inputs"):
                continue  # workflow_dispatch inputs: set by users with write access
            leaf = re.split(r"[.\[\]'\"]+", path.group(1).strip(".[]'\""))[-1]
            if leaf not in SAFE_LEAVES:
                yield path.group(0)
        if taint is None:
            continue
        for ref in ENV_REF.finditer(expression):
            if ref.group(1) in taint.env:
                yield f"env.{ref.group(1)}"
        for ref in INPUT_REF.finditer(expression):
            if ref.group(1) in taint.inputs:
                yield f"inputs.{ref.group(1)}"


def _origin(expr: str, taint: Taint | None) -> str:
    if taint is not None and expr.startswith("env."):
        return f" (set from `{taint.env[expr[4:]]}`)"
    if expr.startswith("inputs."):
        return " (an input of this reusable workflow: its caller may pass event data)"
    return ""


def script_hits(node: Node, where: str, taint: Taint | None = None) -> Iterator[Hit]:
    """Injection, secret exposure and pipe-to-shell in one `run:` / `script:` value."""
    for number, text in y.text_lines(node):
        for expr in dict.fromkeys(tainted_expressions(text, taint)):
            variable = expr.split(".", 1)[1] if expr.startswith("env.") else ""
            instead = (
                f"use the shell variable `${variable}` instead of `${{{{ {expr} }}}}`"
                if variable
                else "pass it through `env:` and use the shell variable instead"
            )
            yield Hit(
                CFG002,
                number,
                f"{where}: `{expr}`{_origin(expr, taint)} is expanded into the script, where "
                f"an attacker-chosen value runs as code; {instead}",
                f"inject:{expr}",
                expr,
            )
        yield from shell_line_hits(number, text, where)


def shell_line_hits(number: int, text: str, where: str) -> Iterator[Hit]:
    pipe = pipe_to_shell(text)
    if pipe:
        yield Hit(
            CFG006,
            number,
            f"{where}: downloaded code is run unverified; download to a "
            "file, check its sha256, then run it",
            f"pipe:{text.strip()}",
            pipe.group(0),
        )
    if ALL_SECRETS.search(text):
        yield Hit(
            CFG005,
            number,
            f"{where}: `toJSON(secrets)` exposes every secret; pass only "
            "the one a step needs through `env:`",
            "all-secrets",
            "toJSON",
        )
    elif (
        ECHO.match(text)
        and "|" not in text
        and ">" not in text
        and (SECRET_EXPR.search(text) or TOKENISH_VAR.search(text))
    ):
        yield Hit(
            CFG005,
            number,
            f"{where}: a secret is printed to the log (masking fails on "
            "any transformation); do not echo secrets",
            f"echo:{text.strip()}",
            text.strip(),
        )
