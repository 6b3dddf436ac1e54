"""Checks of one shell script line or `run:` block, shared by GitHub and GitLab CI.

An expression is tainted when an attacker picks its value (a PR title, a branch name);
numbers, ids and shas cannot carry shell syntax and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yaml.nodes import Node

from mlwarden.checks.config_guard import yaml as y
from mlwarden.checks.config_guard.common import Hit
from mlwarden.checks.config_guard.rules import CFG002, CFG005, CFG006

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
PIPE_TO_SHELL = re.compile(
    r"\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+\s+)?"
    r"(?:ba|z|da|k|fi)?sh\b|\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?python[0-9.]*\b|"
    r"\b(?:ba|z)?sh\s+(?:-c\s+)?[\"']?\$\(\s*(?:curl|wget)\b|"
    r"\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b|\biex\b.*\b(?:iwr|Invoke-WebRequest)\b"
)


def tainted_expressions(text: str) -> Iterator[str]:
    for match in EXPRESSION.finditer(text):
        expression = match.group(1)
        for path in EVENT_PATH.finditer(expression):
            if path.group(0) == "github.head_ref":
                yield "github.head_ref"
                continue
            leaf = re.split(r"[.\[\]'\"]+", path.group(1).strip(".[]'\""))[-1]
            if leaf not in SAFE_LEAVES:
                yield path.group(0)


def script_hits(node: Node, where: str) -> Iterator[Hit]:
    """Injection, secret exposure and pipe-to-shell in one `run:` / `script:` value."""
    for number, text in y.text_lines(node):
        for expr in dict.fromkeys(tainted_expressions(text)):
            yield Hit(
                CFG002,
                number,
                f"{where}: `{expr}` is expanded into the script, where "
                "an attacker-chosen value runs as code; pass it through `env:` and use "
                "the shell variable instead",
                f"inject:{expr}",
                expr,
            )
        yield from shell_line_hits(number, text, where)


def shell_line_hits(number: int, text: str, where: str) -> Iterator[Hit]:
    pipe = PIPE_TO_SHELL.search(text)
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
