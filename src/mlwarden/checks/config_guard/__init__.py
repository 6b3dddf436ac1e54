"""config-guard: changes to the files that control CI, hooks, package sources and ML remotes.

A file hook: it picks the files it watches out of those the runner hands it and compares
each with its version before the change (HEAD's for the work tree and the index, the
parent's for a commit of a range).

- CI workflows (`.github/workflows/*`, `.gitlab-ci.yml`): pwn-request checkouts,
  expression injection, write-all or missing permissions, exposed secrets, `curl | sh`;
- `.pre-commit-config.yaml`: mlwarden hooks removed, disabled, excluded or re-sourced;
- package sources: index URLs and channels not in `allowed-indexes`;
- DVC / MLflow / W&B remotes moved to a new host;
- ownership: watched files not covered by CODEOWNERS, when one exists.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlwarden.checks.config_guard import indexes, own_config, owners, precommit, workflows
from mlwarden.checks.config_guard.common import Hit
from mlwarden.checks.config_guard.rules import CFG012, RULES
from mlwarden.core import failclosed
from mlwarden.core.findings import Finding, HookResult, ScanError
from mlwarden.core.hooks import Hook, HookContext
from mlwarden.core.rules import Rule
from mlwarden.core.sources import Skipped, Snapshot, Source
from mlwarden.core.yamlpos import YamlError

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
    if indexes.extractor(repo_path) is not None:
        return "index"
    if repo_path.endswith(".dvc/config") or repo_path.endswith("wandb/settings"):
        return "remote"
    if repo_path in owners.LOCATIONS:
        return "codeowners"
    if indexes.is_remote_config(repo_path):
        return "maybe-remote"
    return None


class _Repo:
    """What several files of one version need, computed once and only when asked."""

    def __init__(self, files: Snapshot, max_bytes: int) -> None:
        self.files = files
        self.max_bytes = max_bytes
        self._tracked: tuple[str, ...] | None = None
        self._owners: tuple[owners.OwnerRule, ...] | None = None
        self._owners_read = False

    def tracked_code(self) -> tuple[str, ...]:
        if self._tracked is None:
            self._tracked = tuple(
                p
                for p in self.files.tracked_files()
                if PurePosixPath(p).suffix.lower() not in DOC_SUFFIXES
            )
        return self._tracked

    def owner_rules(self) -> tuple[owners.OwnerRule, ...] | None:
        if not self._owners_read:
            self._owners_read = True
            # GitHub's lookup order (first found wins), then GitLab's extra location.
            for location in (
                ".github/CODEOWNERS",
                "CODEOWNERS",
                "docs/CODEOWNERS",
                ".gitlab/CODEOWNERS",
            ):
                data = self.files.read(location, self.max_bytes)
                if data is not None:
                    self._owners = owners.parse(data.decode("utf-8", "replace"))
                    break
        return self._owners


def _hits(
    kind: str, path: str, new: str, old: str | None, options: Options, repo: _Repo
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
    has_base = repo.files.base_commit is not None
    if kind == "mlwarden":
        return own_config.check(path, new, old, has_base=has_base)
    hits = []
    if path.endswith("pyproject.toml"):
        hits += own_config.check(path, new, old, has_base=has_base)
    if kind == "index":
        hits += indexes.check_indexes(path, new, old, options.allowed_indexes)
    if kind in ("index", "remote", "maybe-remote"):
        hits += indexes.check_remotes(path, new, old, options.allowed_hosts)
    return hits


def _finding(source: Source, hit: Hit, text: str) -> Finding:
    return source.finding(
        hit.rule,
        hit.message,
        line=hit.line,
        column=hit.column_in(text),
        identity=(hit.identity,),
    )


def _watched(source: Source, project_path: str | None) -> str | None:
    """The kind of config file `source` is, by its path from the repository root, or from
    its project's folder (a project with its own `.github/workflows` inside a monorepo)."""
    kind = _kind(source.path)
    if kind in (None, "maybe-remote") and project_path is not None:
        kind = _kind(project_path) or kind
    return kind


def run(sources: Sequence[Source], ctx: HookContext) -> HookResult:
    options = _shared_allow_list(ctx, ctx.options)
    findings: list[Finding] = []
    errors: list[ScanError] = []
    repos: dict[int, _Repo] = {}
    audited: list[Source] = []  # GitHub workflows and actions that parsed, for zizmor
    max_bytes = ctx.config.max_file_size
    for source in sources:
        kind = _watched(source, ctx.config.relative(source.path))
        if kind is None:
            continue
        if source.size > max_bytes:
            findings.append(failclosed.too_large(source, source.size, max_bytes, NAME))
            continue
        try:
            new = source.read_text().text
        except Skipped:
            continue
        if kind == "maybe-remote" and not indexes.ML_URI_KEY.search(new):
            continue  # many YAML/TOML files, few name an ML endpoint
        repo = repos.setdefault(id(source.snapshot), _Repo(source.snapshot, max_bytes))
        old_bytes = source.snapshot.read_base(source.path, max_bytes)
        old = old_bytes.decode("utf-8", "replace") if old_bytes is not None else None
        try:
            hits = _hits(kind, source.path, new, old, options, repo)
        except (YamlError, indexes.ParseError) as exc:
            errors.append(source.error(NAME, str(exc)))
            continue
        if kind != "maybe-remote" and options.codeowners_required:
            rules_ = repo.owner_rules()
            if rules_ is not None and not owners.owners_of(rules_, source.path):
                message = (
                    f"{source.path} controls the pipeline but no CODEOWNERS rule gives it an "
                    f"owner; add e.g. `/{source.path} @org/security`"
                )
                hits.append(Hit(CFG012, 1, message, "unowned"))
        findings.extend(_finding(source, hit, new) for hit in hits)
        if kind in ("github", "github-action"):
            audited.append(source)
    if options.zizmor and audited:
        from mlwarden.checks.config_guard.zizmor import run_zizmor

        extra, extra_errors = run_zizmor(audited)
        findings.extend(extra)
        errors.extend(extra_errors)
    return HookResult(findings=tuple(findings), errors=tuple(errors))


def _shared_allow_list(ctx: HookContext, options: Options) -> Options:
    """One allow-list for package indexes: the pins hook's `allowed-indexes` counts here too,
    so a team lists an internal index once, in either table. (Read from the config, not by
    importing the pins hook: hooks never import each other.)"""
    pins_table = ctx.config.table.get("pins")
    pins_allowed = pins_table.get("allowed-indexes", ()) if isinstance(pins_table, dict) else ()
    merged = tuple(dict.fromkeys((*options.allowed_indexes, *pins_allowed)))
    return dataclasses.replace(options, allowed_indexes=merged)


HOOK = Hook(name=NAME, options=Options, rules=_rules, run=run)
