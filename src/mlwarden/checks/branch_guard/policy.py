"""The branch guard's policy: which commits and ref updates it refuses, and why.

A pushed ref is judged on the remote ref it updates, never on the local branch name:
`git push origin feature:main` updates `main`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from mlwarden.checks.branch_guard.rules import BRG001, BRG002, BRG003, BRG004, BRG005, BRG006, NAME
from mlwarden.core.findings import Finding, Location, make_fingerprint
from mlwarden.core.git import Repository, is_zero
from mlwarden.core.rules import Rule

HEADS = "refs/heads/"
TAGS = "refs/tags/"
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256


@dataclass(frozen=True)
class Options:
    """`[tool.mlwarden.branch-guard]`."""

    protected: tuple[str, ...] = ("main", "master", "release/*")
    allow_fast_forward: bool = False
    block_force_push_everywhere: bool = False
    protected_tags: tuple[str, ...] = ("v[0-9]*",)
    scan_pushed: bool = True
    scan_hooks: tuple[str, ...] = ("secrets", "models")


@dataclass(frozen=True)
class RefUpdate:
    """One line of git's pre-push stdin: `<local ref> <local sha> <remote ref> <remote sha>`."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def is_delete(self) -> bool:
        return is_zero(self.local_sha)

    @property
    def is_create(self) -> bool:
        return is_zero(self.remote_sha)


class PushInputError(ValueError):
    pass


def parse_push_lines(text: str) -> tuple[RefUpdate, ...]:
    updates: list[RefUpdate] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        # rsplit: a local ref given as an expression may contain spaces.
        parts = line.rsplit(maxsplit=3)
        if len(parts) != 4 or not all(_SHA.fullmatch(parts[i]) for i in (1, 3)):
            raise PushInputError(
                f"pre-push input line {number} is not '<local ref> <local sha> "
                f"<remote ref> <remote sha>': {line!r}"
            )
        updates.append(RefUpdate(*parts))
    return tuple(updates)


def _matches(ref: str, prefix: str, patterns: Sequence[str]) -> bool:
    short = ref[len(prefix) :] if ref.startswith(prefix) else ref
    return any(fnmatch.fnmatchcase(short, p) or fnmatch.fnmatchcase(ref, p) for p in patterns)


def is_protected_branch(ref: str, options: Options) -> bool:
    return ref.startswith(HEADS) and _matches(ref, HEADS, options.protected)


def is_protected_tag(ref: str, options: Options) -> bool:
    return ref.startswith(TAGS) and _matches(ref, TAGS, options.protected_tags)


def _finding(rule: Rule, ref: str, message: str, commit: str | None, *identity: str) -> Finding:
    return Finding(
        rule_id=rule.id,
        message=message,
        location=Location(path=ref, commit=commit),
        severity=rule.severity,
        confidence=rule.confidence,
        fingerprint=make_fingerprint(rule.id, ref, *identity),
        hook=NAME,
    )


def check_commit(repo: Repository, options: Options) -> tuple[Finding, ...]:
    """pre-commit stage: refuse a commit on a protected branch.

    Detached HEAD commits nothing to a branch; an unborn branch (the repository's first
    commit) has nothing to protect yet: both pass.
    """
    ref = repo.current_branch()
    if ref is None or not is_protected_branch(ref, options) or not repo.has_head():
        return ()
    name = ref[len(HEADS) :]
    message = (
        f"commit on protected branch '{name}': move the work to a new branch with "
        f"`git switch -c <new-branch>` (staged changes come along), commit there and open a "
        f"pull request"
    )
    return (_finding(BRG001, ref, message, None, "commit"),)


def check_push(
    repo: Repository, updates: Iterable[RefUpdate], options: Options
) -> tuple[Finding, ...]:
    return tuple(f for update in updates for f in _check_update(repo, update, options))


def _check_update(repo: Repository, u: RefUpdate, options: Options) -> Iterator[Finding]:
    ref = u.remote_ref
    local = u.local_ref if u.local_ref != ref else "the same ref"
    commit = None if u.is_delete else u.local_sha
    if is_protected_tag(ref, options):
        if u.is_delete:
            yield _finding(
                BRG005,
                ref,
                f"push deletes protected tag '{ref[len(TAGS) :]}': "
                "release tags are immutable; publish a new version instead",
                None,
                "delete",
            )
        elif not u.is_create and u.local_sha != u.remote_sha:
            yield _finding(
                BRG005,
                ref,
                f"push moves protected tag '{ref[len(TAGS) :]}' to "
                f"{u.local_sha[:12]}: release tags are immutable; tag a new "
                "version instead",
                commit,
                "move",
            )
        return
    if not ref.startswith(HEADS):
        return
    name = ref[len(HEADS) :]
    protected = is_protected_branch(ref, options)
    if u.is_delete:
        if protected:
            yield _finding(
                BRG004,
                ref,
                f"push deletes protected branch '{name}': retire it "
                "through the hosting platform with a maintainer",
                None,
                "delete",
            )
        return
    guard_history = protected or options.block_force_push_everywhere
    if not u.is_create and guard_history and u.local_sha != u.remote_sha:
        if repo.resolve(u.remote_sha) is None:
            yield _finding(
                BRG006,
                ref,
                f"remote branch '{name}' is at {u.remote_sha[:12]}, "
                "which this clone does not have, so this may overwrite work: "
                "fetch first (`git fetch` then rebase or merge) and push again",
                commit,
                "unknown",
            )
            return
        if not repo.is_ancestor(u.remote_sha, u.local_sha):
            yield _finding(
                BRG003,
                ref,
                f"force push to '{name}' from {local}: it rewrites "
                f"history ({u.remote_sha[:12]} is not an ancestor of "
                f"{u.local_sha[:12]}); add a new commit or `git revert` instead",
                commit,
                "force",
            )
            return
    if protected and not options.allow_fast_forward:
        verb = "creates" if u.is_create else "updates"
        yield _finding(
            BRG002,
            ref,
            f"push {verb} protected branch '{name}' from {local}: "
            f"push to a feature branch (`git push origin HEAD:refs/heads/<topic>`) "
            "and merge through a reviewed pull request",
            commit,
            "push",
        )
