"""CI workflow checks: GitHub Actions workflows and `.gitlab-ci.yml`.

These judge the staged workflow as it stands (a pwn-request or an injection is a hole
whether it is new or not); pre-commit only hands us workflows that changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from yaml.nodes import MappingNode, Node

from mlwarden.checks.config_guard import scripts as scripts
from mlwarden.checks.config_guard.common import Hit
from mlwarden.checks.config_guard.rules import CFG001, CFG002, CFG003, CFG004, CFG005
from mlwarden.core import yamlpos as y

PRIVILEGED_TRIGGERS = frozenset({"pull_request_target", "workflow_run"})
PR_HEAD = re.compile(
    r"github\.event\.pull_request\.head\.|github\.head_ref|github\.event\.workflow_run\.head_|"
    r"refs/pull/|github\.event\.pull_request\.merge_commit_sha|github\.event\.number"
)
PR_CHECKOUT_COMMAND = re.compile(
    r"\bgh\s+pr\s+checkout\b|\bgit\s+(?:fetch|checkout)\b.*"
    r"(?:pull/|head_ref|pull_request\.head)"
)


def _triggers(root: Node) -> set[str]:
    on = y.get(root, "on")  # composed, not loaded: the key stays "on", not YAML 1.1 True
    names = {y.scalar(n) or "" for n in y.strings(on)}
    names |= {name for name, _, _ in y.pairs(on)}
    return names


def _steps(root: Node, taint: scripts.Taint) -> Iterator[tuple[str, Node, scripts.Taint]]:
    """Each step with the tainted names it sees: `env:` of the workflow, job and step."""
    for job_name, _, job in y.pairs(y.get(root, "jobs")):
        job_taint = taint.with_env(y.get(job, "env"))
        for step in y.seq(y.get(job, "steps")):
            yield job_name, step, job_taint.with_env(y.get(step, "env"))


# Input types that cannot carry shell syntax.
_TYPED_INPUTS = frozenset({"boolean", "number", "choice", "environment"})


def _call_inputs(root: Node) -> frozenset[str]:
    """String inputs of a reusable workflow (`on: workflow_call`): its callers choose them,
    and a caller may pass `github.event.*` straight through."""
    on = y.get(root, "on")
    call = y.get(on, "workflow_call")
    if call is None and "workflow_call" not in {y.scalar(n) for n in y.strings(on)}:
        return frozenset()
    return frozenset(
        name
        for name, _, spec in y.pairs(y.get(call, "inputs"))
        if (y.scalar(y.get(spec, "type")) or "string") not in _TYPED_INPUTS
    )


def github_workflow(text: str, *, require_permissions: bool) -> list[Hit]:
    root = y.compose(text)
    if not isinstance(root, MappingNode):
        return []
    hits: list[Hit] = []
    privileged = bool(_triggers(root) & PRIVILEGED_TRIGGERS)
    perms = y.get(root, "permissions")
    if y.scalar(perms) == "write-all" and perms is not None:
        hits.append(
            Hit(
                CFG003,
                y.line(perms),
                "workflow grants `permissions: write-all`; "
                "grant only the scopes jobs need (e.g. `contents: read`)",
                "wf:write-all",
            )
        )
    jobs = list(y.pairs(y.get(root, "jobs")))
    for job_name, _, job in jobs:
        job_perms = y.get(job, "permissions")
        if job_perms is not None and y.scalar(job_perms) == "write-all":
            hits.append(
                Hit(
                    CFG003,
                    y.line(job_perms),
                    f"job '{job_name}' grants `permissions: "
                    "write-all`; grant only the scopes it needs",
                    f"job:{job_name}",
                )
            )
    if require_permissions and perms is None and jobs:
        bare = [name for name, _, job in jobs if y.get(job, "permissions") is None]
        if bare:
            anchor = y.key_node(root, "jobs")
            hits.append(
                Hit(
                    CFG004,
                    y.line(anchor) if anchor else 1,
                    "no `permissions` block: "
                    f"job(s) {', '.join(repr(b) for b in bare)} get the repository's "
                    "default token (often write-all); add `permissions: contents: read` "
                    "at the top",
                    "missing",
                )
            )

    checked_out_pr: set[str] = set()
    taint = scripts.Taint(inputs=_call_inputs(root)).with_env(y.get(root, "env"))
    for job_name, step, step_taint in _steps(root, taint):
        where = f"job '{job_name}'"
        uses = y.scalar(y.get(step, "uses")) or ""
        with_ = y.get(step, "with")
        run = y.get(step, "run")
        if privileged and uses.startswith("actions/checkout@"):
            # `ref:` the PR's commit, or `repository:` the fork it comes from.
            ref = y.get(with_, "ref") or y.get(with_, "repository")
            if ref is not None and PR_HEAD.search(y.scalar(ref) or ""):
                checked_out_pr.add(job_name)
                hits.append(
                    Hit(
                        CFG001,
                        y.line(ref),
                        f"{where} checks out pull-request code in a "
                        "privileged workflow (pull_request_target/workflow_run); run "
                        "untrusted code under `on: pull_request` instead",
                        "checkout",
                        y.scalar(ref) or "",
                    )
                )
        if (
            privileged
            and run is not None
            and any(PR_CHECKOUT_COMMAND.search(t) for _, t in y.text_lines(run))
        ):
            checked_out_pr.add(job_name)
            hits.append(
                Hit(
                    CFG001,
                    y.line(run),
                    f"{where} fetches pull-request code in a "
                    "privileged workflow; run it under `on: pull_request` instead",
                    "checkout-run",
                )
            )
        elif job_name in checked_out_pr and _mentions_secrets(step):
            hits.append(
                Hit(
                    CFG005,
                    y.line(step),
                    f"{where} gives secrets to a step that runs "
                    "after checking out pull-request code; that code can read them",
                    f"untrusted:{job_name}",
                )
            )
        if run is not None:
            hits.extend(scripts.script_hits(run, where, step_taint))
        if uses.startswith("actions/github-script@"):
            script = y.get(with_, "script")
            if script is not None:
                hits.extend(
                    h for h in scripts.script_hits(script, where, step_taint) if h.rule is CFG002
                )
    return hits


def github_action(text: str) -> list[Hit]:
    """A composite action (`action.yml`): its `run:` steps, same script checks."""
    root = y.compose(text)
    hits: list[Hit] = []
    for step in y.seq(y.get(y.get(root, "runs"), "steps")):
        run = y.get(step, "run")
        if run is not None:
            step_taint = scripts.Taint().with_env(y.get(step, "env"))
            hits.extend(scripts.script_hits(run, "composite action", step_taint))
    return hits


def _mentions_secrets(step: Node) -> bool:
    for key in ("env", "with", "run"):
        node = y.get(step, key)
        values = (
            [t for _, t in y.text_lines(node)]
            if node is not None and y.scalar(node)
            else [y.scalar(v) or "" for _, _, v in y.pairs(node)]
        )
        if any("secrets." in value for value in values):
            return True
    return False


def gitlab_ci(text: str) -> list[Hit]:
    root = y.compose(text)
    if not isinstance(root, MappingNode):
        return []
    hits: list[Hit] = []
    for job_name, _, job in y.pairs(root):
        for key in ("script", "before_script", "after_script"):
            for node in y.strings(y.get(job, key)):
                for number, text_line in y.text_lines(node):
                    hits.extend(scripts.shell_line_hits(number, text_line, f"job '{job_name}'"))
    return hits
