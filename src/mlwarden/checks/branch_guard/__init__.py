"""branch-guard: no commits on protected branches, no pushes that bypass review.

Three ways in, one policy (`policy`):

- pre-commit stage (pre-commit framework, `hooks/pre-commit`, `mlwarden scan --hook
  branch-guard`): the current branch;
- pre-push through the pre-commit framework: the one ref pre-commit exports in
  `PRE_COMMIT_FROM_REF` / `PRE_COMMIT_TO_REF` / `PRE_COMMIT_REMOTE_BRANCH` (it skips
  deletions and later refs of a multi-ref push);
- pre-push through `hooks/pre-push` (`--stdin`): every line git writes, so deletions,
  multi-ref pushes, `HEAD:refs/heads/main` and force pushes are all seen.

At pre-push the commits about to leave are also judged by the secrets and models hooks
(`pushscan` gives the ranges, the runner's `--commits` mode judges them), catching work
committed with `--no-verify`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

from mlwarden.checks.branch_guard.policy import (
    Options,
    RefUpdate,
    check_commit,
    parse_push_lines,
)
from mlwarden.checks.branch_guard.rules import RULES
from mlwarden.core.findings import HookResult
from mlwarden.core.git import Repository
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Source

NAME = "branch-guard"


def _rules() -> tuple[Rule, ...]:
    return RULES


def in_ci(env: Mapping[str, str]) -> bool:
    """CI services set CI=true. CI checks out `main` to test it and commits nothing, so
    the commit check (BRG001) would only fail every build on main."""
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def manual_pre_commit_run(env: Mapping[str, str]) -> bool:
    """`pre-commit run --all-files` typed by hand commits nothing: pre-commit sets
    PRE_COMMIT=1 for its hooks, while git sets GIT_INDEX_FILE only while a commit is being
    made. A first full scan on `main` must not fail on a commit that is not happening."""
    return env.get("PRE_COMMIT") == "1" and "GIT_INDEX_FILE" not in env


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    """`mlwarden scan --hook branch-guard`: the pre-commit-stage check of the current branch."""
    if in_ci(os.environ):
        return HookResult()
    repo = Repository.find(ctx.root)
    if repo is None:
        return HookResult()
    try:
        return HookResult(findings=check_commit(repo, ctx.options))
    finally:
        repo.close()


def updates_from_pre_commit_env(repo: Repository, env: Mapping[str, str]) -> tuple[RefUpdate, ...]:
    """The single ref pre-commit exports at pre-push.

    pre-commit sets FROM_REF to the remote commit when it has it, else to the parent of
    the first commit the remote lacks, and leaves it out when the whole history is new;
    treating FROM_REF as "the remote's commit" is right in all three cases.
    """
    remote_ref = env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    local_ref = env.get("PRE_COMMIT_LOCAL_BRANCH", "") or "HEAD"
    local_sha = env.get("PRE_COMMIT_TO_REF") or repo.resolve(local_ref) or ""
    if not remote_ref or not local_sha:
        return ()
    remote_sha = env.get("PRE_COMMIT_FROM_REF") or "0" * len(local_sha)
    return (RefUpdate(local_ref, local_sha, remote_ref, remote_sha),)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlwarden-branch-guard",
        description="Refuse commits on protected branches and pushes that update, force-push "
        "or delete them. Without --stdin: the current branch, or at pre-commit's pre-push "
        "stage the ref in PRE_COMMIT_REMOTE_BRANCH.",
    )
    parser.add_argument(
        "--stdin",
        "--pre-push",
        dest="stdin",
        action="store_true",
        help="read git's pre-push lines '<local ref> <local sha> <remote ref> "
        "<remote sha>' from stdin (what hooks/pre-push does)",
    )
    parser.add_argument("--config", metavar="PATH", help="config file (default: discovered)")
    parser.add_argument(
        "--no-scan", action="store_true", help="skip the secrets/models scan of the pushed commits"
    )
    parser.add_argument("remote", nargs="?", help="remote name, as git passes it to pre-push")
    parser.add_argument("url", nargs="?", help="remote URL, as git passes it to pre-push")
    return parser


def push_input(
    args: argparse.Namespace, repo: Repository, env: Mapping[str, str]
) -> tuple[tuple[RefUpdate, ...] | None, str | None]:
    """(the pushed refs, the remote name), or (None, None) at the pre-commit stage.

    Raises PushInputError for stdin that is not git's pre-push format.
    """
    if args.stdin:
        return parse_push_lines(sys.stdin.read()), args.remote
    if env.get("PRE_COMMIT_REMOTE_BRANCH"):
        remote = env.get("PRE_COMMIT_REMOTE_NAME") or args.remote
        return updates_from_pre_commit_env(repo, env), remote
    return None, None


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run, judges_files=False)
