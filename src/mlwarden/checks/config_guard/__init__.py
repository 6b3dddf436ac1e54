"""config-guard: changes to the files that control CI, hooks, package sources and ML remotes.

A file hook: it picks the files it watches out of those it is given and compares the
version about to be committed (the staged blob) with HEAD (`config_guard_git`).

- CI workflows (`.github/workflows/*`, `.gitlab-ci.yml`): pwn-request checkouts,
  expression injection, write-all or missing permissions, exposed secrets, `curl | sh`;
- `.pre-commit-config.yaml`: mlwarden hooks removed, disabled, excluded or re-sourced;
- package sources: index URLs and channels not in `allowed-indexes`;
- DVC / MLflow / W&B remotes moved to a new host;
- ownership: watched files not covered by CODEOWNERS, when one exists.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlwarden.checks.config_guard import own_config as self_config
from mlwarden.checks.config_guard import owners as owners
from mlwarden.checks.config_guard import precommit as precommit
from mlwarden.checks.config_guard import sources as sources
from mlwarden.checks.config_guard import workflows as workflows
from mlwarden.checks.config_guard.common import Hit
from mlwarden.checks.config_guard.git import read_many, tracked_files
from mlwarden.checks.config_guard.rules import CFG012, RULES
from mlwarden.checks.config_guard.yaml import YamlError
from mlwarden.core.files import Skipped, read_text
from mlwarden.core.findings import Finding, HookResult, Location, ScanError, make_fingerprint
from mlwarden.core.hooks import Hook, ScanContext
from mlwarden.core.rules import Rule

NAME = "config-guard"

GITHUB_WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
GITLAB_CI = re.compile(r"(?:^|/)(?:\.gitlab-ci|[^/]+\.gitlab-ci)\.ya?ml$")
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
DOC_SUFFIXES = frozenset({".md", ".rst", ".txt", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf"})


@dataclass(frozen=True)
class Options:
    """`[tool.mlwarden.config-guard]`."""

    allowed_indexes: tuple[str, ...] = (
        "https://pypi.org/simple",
        "https://upload.pypi.org/legacy",
        "defaults",
        "conda-forge",
    )
    allowed_hosts: tuple[str, ...] = ()
    workflow_permissions_required: bool = True
    codeowners_required: bool = True
    zizmor: bool = True  # merge zizmor's offline findings when zizmor is on PATH


def _rules() -> tuple[Rule, ...]:
    return RULES


def _repo_path(ctx: ScanContext, path: str) -> str:
    """The path relative to the repository root, which is what patterns name."""
    absolute = os.path.abspath(path)
    try:
        return PurePosixPath(os.path.relpath(absolute, ctx.root.resolve())).as_posix()
    except ValueError:
        return path


def _kind(repo_path: str) -> str | None:
    if GITHUB_WORKFLOW.match(repo_path):
        return "github"
    if PurePosixPath(repo_path).name in ("action.yml", "action.yaml"):
        return "github-action"
    if GITLAB_CI.search(repo_path):
        return "gitlab"
    if repo_path == PRE_COMMIT_CONFIG:
        return "pre-commit"
    if PurePosixPath(repo_path).name == ".mlwarden.toml":
        return "mlwarden"
    if sources.extractor(repo_path) is not None:
        return "index"
    if repo_path.endswith(".dvc/config") or repo_path.endswith("wandb/settings"):
        return "remote"
    if repo_path in owners.LOCATIONS:
        return "codeowners"
    if sources.is_remote_config(repo_path):
        return "maybe-remote"
    return None


class _Repo:
    """What several files need, computed once a run and only when asked."""

    def __init__(self, ctx: ScanContext) -> None:
        self.ctx = ctx
        self._tracked: tuple[str, ...] | None = None
        self._owners: tuple[owners.OwnerRule, ...] | None = None
        self._owners_read = False

    def tracked_code(self) -> tuple[str, ...]:
        if self._tracked is None:
            self._tracked = tuple(
                p
                for p in tracked_files(self.ctx.root)
                if PurePosixPath(p).suffix.lower() not in DOC_SUFFIXES
            )
        return self._tracked

    def owner_rules(self) -> tuple[owners.OwnerRule, ...] | None:
        if not self._owners_read:
            self._owners_read = True
            for location in (
                ".github/CODEOWNERS",
                "CODEOWNERS",
                "docs/CODEOWNERS",
                ".gitlab/CODEOWNERS",
            ):
                file = self.ctx.root / location
                if file.is_file():
                    try:
                        text = read_text(str(file), max_bytes=self.ctx.config.max_file_size)
                    except Skipped:
                        continue
                    self._owners = owners.parse(text.text)
                    break
        return self._owners


def _hits(
    kind: str, repo_path: str, new: str, old: str | None, options: Options, repo: _Repo
) -> list[Hit]:
    if kind == "github":
        return workflows.github_workflow(
            new, require_permissions=options.workflow_permissions_required
        )
    if kind == "github-action":
        return workflows.github_action(new)
    if kind == "gitlab":
        return workflows.gitlab_ci(new)
    if kind == "pre-commit":
        return precommit.check(new, old, repo.tracked_code())
    if kind == "mlwarden":
        return self_config.check(repo_path, new, old)
    hits = []
    if repo_path.endswith("pyproject.toml"):
        hits += self_config.check(repo_path, new, old)
    if kind == "index":
        hits += sources.check_indexes(repo_path, new, old, options.allowed_indexes)
    if kind in ("index", "remote", "maybe-remote"):
        hits += sources.check_remotes(repo_path, new, old, options.allowed_hosts)
    return hits


def _finding(path: str, hit: Hit, text: str) -> Finding:
    return Finding(
        rule_id=hit.rule.id,
        message=hit.message,
        location=Location(path=path, line=hit.line, column=hit.column_in(text)),
        severity=hit.rule.severity,
        confidence=hit.rule.confidence,
        fingerprint=make_fingerprint(hit.rule.id, path, hit.identity),
        hook=NAME,
    )


def _select(ctx: ScanContext) -> tuple[dict[str, tuple[str, str]], list[ScanError]]:
    """path -> (repo path, kind) of the files config-guard watches among `ctx.files`."""
    chosen: dict[str, tuple[str, str]] = {}
    errors: list[ScanError] = []
    for path in ctx.files:
        repo_path = _repo_path(ctx, path)
        kind = _kind(repo_path)
        if kind in (None, "maybe-remote"):
            # A project scanned on its own from a subfolder of a bigger repository
            # (`mlwarden scan .` in examples/ml-project): its own .github/workflows count.
            kind = _kind(PurePosixPath(path).as_posix()) or kind
        if kind == "maybe-remote":
            # Many YAML/TOML files, few name an ML endpoint: look before asking git.
            try:
                text = read_text(path, max_bytes=ctx.config.max_file_size, root=ctx.root).text
            except Skipped as exc:
                if not exc.quiet:
                    errors.append(exc.as_error(NAME))
                continue
            if not sources.ML_URI_KEY.search(text):
                continue
        if kind is not None:
            chosen[path] = (repo_path, kind)
    return chosen, errors


def _shared_allow_list(ctx: ScanContext, options: Options) -> Options:
    """One allow-list for package indexes: the pins hook's `allowed-indexes` counts here too,
    so a team lists an internal index once, in either table."""
    from mlwarden.checks.pins.common import Options as PinsOptions

    pins_allowed = ctx.config.options("pins", PinsOptions).allowed_indexes
    merged = tuple(dict.fromkeys((*options.allowed_indexes, *pins_allowed)))
    return dataclasses.replace(options, allowed_indexes=merged)


def run(ctx: ScanContext, options: Options) -> HookResult:
    options = _shared_allow_list(ctx, options)
    findings: list[Finding] = []
    chosen, errors = _select(ctx)
    repo = _Repo(ctx)
    versions_of = read_many(
        tuple(chosen), root=ctx.root, commits=ctx.commits, max_bytes=ctx.config.max_file_size
    )
    audited: list[str] = []  # GitHub workflows and actions that parsed, for zizmor
    for path, (repo_path, kind) in chosen.items():
        versions = versions_of[path]
        if isinstance(versions, Skipped):
            if not versions.quiet:
                errors.append(versions.as_error(NAME))
            continue
        try:
            hits = _hits(kind, repo_path, versions.new, versions.old, options, repo)
        except (YamlError, sources.ParseError) as exc:
            errors.append(ScanError(path, str(exc), NAME))
            continue
        if kind != "maybe-remote" and options.codeowners_required:
            rules_ = repo.owner_rules()
            if rules_ is not None and not owners.owners_of(rules_, repo_path):
                message = (
                    f"{repo_path} controls the pipeline but no CODEOWNERS rule gives it an "
                    f"owner; add e.g. `/{repo_path} @org/security`"
                )
                hits.append(Hit(CFG012, 1, message, "unowned"))
        findings.extend(_finding(path, hit, versions.new) for hit in hits)
        if kind in ("github", "github-action"):
            audited.append(path)
    # zizmor reads the working tree: with --commits that is not the version we checked.
    if options.zizmor and audited and ctx.commits is None:
        from mlwarden.checks.config_guard.zizmor import run_zizmor

        extra, extra_errors = run_zizmor(audited)
        findings.extend(extra)
        errors.extend(extra_errors)
    return HookResult(findings=tuple(findings), errors=tuple(errors))


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run)
