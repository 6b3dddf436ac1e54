"""The branch guard's rules, declared once; their docs are `mlwarden explain BRGxxx`."""

from __future__ import annotations

from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "branch-guard"
_SERVER = "https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches"

BRG001 = Rule(
    id="BRG001",
    slug="commit-to-protected-branch",
    hook=NAME,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A commit is being made directly on a protected branch.",
    cwe=(284,),
    doc=RuleDoc(
        what="Refuses `git commit` while `HEAD` is a branch matching `protected` "
        "(default `main`, `master`, `release/*`).",
        why="Protected branches feed CI, training and deployment. Work committed there skips "
        "review; pushed, it lands in the pipeline unreviewed.",
        example="git switch main && git commit -m 'quick fix'",
        instead="git switch -c fix/quick-fix   # the staged changes move with you\n"
        "git commit -m 'quick fix' && git push -u origin fix/quick-fix   # then open a PR",
        references=(_SERVER,),
    ),
)

BRG002 = Rule(
    id="BRG002",
    slug="push-to-protected-branch",
    hook=NAME,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A push updates or creates a protected branch on the remote.",
    cwe=(284,),
    doc=RuleDoc(
        what="Refuses a push whose remote ref is a protected branch, whatever the local ref "
        "(`git push origin feature:main`, `HEAD:refs/heads/release/1.0`), unless "
        "`allow-fast-forward = true` and the push is a fast-forward.",
        why="Checking only the local branch name (pre-commit-hooks' no-commit-to-branch) misses "
        "pushes from another branch onto a protected one.",
        example="git push origin feature:main",
        instead="git push origin feature   # and merge through a reviewed pull request",
        references=(_SERVER,),
    ),
)

BRG003 = Rule(
    id="BRG003",
    slug="force-push",
    hook=NAME,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="A push rewrites history: the remote commit is not an ancestor of the pushed one.",
    cwe=(284, 345),
    doc=RuleDoc(
        what="Refuses a non-fast-forward update of a protected branch (of every branch with "
        "`block-force-push-everywhere = true`).",
        why="A force push can silently drop reviewed commits or replace them with others, "
        "hiding a backdoor in rewritten history.",
        example="git commit --amend && git push --force origin main",
        instead="git revert <commit>   # or add a new commit; never rewrite a shared branch",
        references=(_SERVER,),
    ),
)

BRG004 = Rule(
    id="BRG004",
    slug="delete-protected-branch",
    hook=NAME,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="A push deletes a protected branch on the remote.",
    cwe=(284,),
    doc=RuleDoc(
        what="Refuses `git push origin :main` / `git push --delete origin release/1.0` for "
        "protected branches.",
        why="Deleting a protected branch and pushing it again is a way around history and "
        "review rules; CI may also redeploy from whatever replaces it.",
        example="git push origin --delete release/1.0",
        instead="# ask a maintainer to retire the branch through the hosting platform",
        references=(_SERVER,),
    ),
)

BRG005 = Rule(
    id="BRG005",
    slug="protected-tag-moved",
    hook=NAME,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="A push moves or deletes a protected tag (default `v[0-9]*`).",
    cwe=(345,),
    doc=RuleDoc(
        what="Refuses a push that points an existing protected tag at another commit or "
        "deletes it. Creating a new tag is allowed.",
        why="Release tags are what users pin. Moving one (the March 2025 tj-actions "
        "compromise) ships new code under a version everyone trusts.",
        example="git tag -f v1.2.0 && git push --force origin v1.2.0",
        instead="git tag v1.2.1 && git push origin v1.2.1   # release a new version",
        references=("https://github.com/advisories/GHSA-mrrh-fwg8-r2c3",),
    ),
)

BRG006 = Rule(
    id="BRG006",
    slug="remote-commit-unknown",
    hook=NAME,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="The remote branch points at a commit this clone does not have: fetch first.",
    cwe=(345,),
    doc=RuleDoc(
        what="Refuses a push to a guarded branch when the remote's current commit is unknown "
        "locally, so the guard cannot prove the push is not a force push.",
        why="Without the remote commit the push may overwrite someone else's work; `git push "
        "--force` would do so silently.",
        example="git push --force origin feature:main   # remote moved since the last fetch",
        instead="git fetch origin && git rebase origin/main   # then push again",
    ),
)

RULES: tuple[Rule, ...] = (BRG001, BRG002, BRG003, BRG004, BRG005, BRG006)
