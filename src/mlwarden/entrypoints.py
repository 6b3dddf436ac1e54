"""The console scripts pre-commit and the git hooks call: `mlwarden-<hook> FILE...`.

Each is a thin `main(argv) -> int` over the same runner `mlwarden scan` uses, so a hook
under pre-commit judges exactly what the CLI judges. `python -m mlwarden.entrypoints
<hook> ARGS...` runs one without its console script (what `hooks/pre-commit` and
`hooks/pre-push` fall back to).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mlwarden.cli import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_USAGE,
    add_output_options,
    run_and_report,
    write_report,
)
from mlwarden.core.errors import UsageError


def hook_main(name: str, argv: Sequence[str] | None = None) -> int:
    """The console script of one file hook, as pre-commit calls it."""
    parser = argparse.ArgumentParser(prog=f"mlwarden-{name}")
    parser.add_argument("files", nargs="*", metavar="FILE")
    add_output_options(parser)
    args = parser.parse_args(argv)
    try:
        if not args.files and not args.commits:
            return EXIT_CLEAN  # pre-commit had no matching files: nothing to do
        return run_and_report((name,), args, companions=_companions(name))
    except UsageError as exc:
        print(f"mlwarden-{name}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _companions(name: str) -> frozenset[str]:
    """The mlwarden hooks pre-commit runs beside this one in this repository: a check two
    hooks can see is then reported by its owner only, exactly as `mlwarden scan` does."""
    from mlwarden.core.git import Repository
    from mlwarden.core.precommit import companions

    repo = Repository.find(Path.cwd())
    if repo is None:
        return frozenset({name})
    try:
        found = companions(repo.root, os.environ)
    finally:
        repo.close()
    return (found or frozenset()) | {name}


def secrets(argv: Sequence[str] | None = None) -> int:
    return hook_main("secrets", argv)


def semgrep(argv: Sequence[str] | None = None) -> int:
    return hook_main("semgrep", argv)


def bandit(argv: Sequence[str] | None = None) -> int:
    return hook_main("bandit", argv)


def models(argv: Sequence[str] | None = None) -> int:
    return hook_main("models", argv)


def pins(argv: Sequence[str] | None = None) -> int:
    return hook_main("pins", argv)


def config_guard(argv: Sequence[str] | None = None) -> int:
    return hook_main("config-guard", argv)


def branch_guard(argv: Sequence[str] | None = None) -> int:
    """`mlwarden-branch-guard [--stdin] [REMOTE URL]`: commits on protected branches, and
    at pre-push every pushed ref; then the pushed commits are judged by the runner's
    `--commits` mode (the same code as `mlwarden scan --commits`)."""
    from mlwarden.checks.branch_guard import (
        NAME,
        in_ci,
        manual_pre_commit_run,
        parser,
        push_input,
        pushscan,
    )
    from mlwarden.checks.branch_guard.policy import (
        Options,
        PushInputError,
        check_commit,
        check_push,
    )
    from mlwarden.core.discovery import load_config
    from mlwarden.core.git import Repository
    from mlwarden.report.text import format_finding

    args = parser().parse_args(argv)
    repo = Repository.find(Path.cwd())
    if repo is None:
        print(
            "mlwarden-branch-guard: not inside a git repository; nothing to check", file=sys.stderr
        )
        return 0
    try:
        try:
            config = load_config(args.config)
            options = config.options(NAME, Options)
            updates, remote = push_input(args, repo, os.environ)
        except (UsageError, PushInputError) as exc:
            print(f"mlwarden-branch-guard: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if updates is None:
            skip = in_ci(os.environ) or manual_pre_commit_run(os.environ)
            findings = () if skip else check_commit(repo, options)
        else:
            findings = check_push(repo, updates, options)
        disabled = {rule_id.upper() for rule_id in config.disable}
        shown = [
            f for f in findings if f.rule_id not in disabled and f.severity >= config.min_severity
        ]
        for finding in shown:
            print(format_finding(finding))
        status = EXIT_FINDINGS if shown else EXIT_CLEAN
        if updates and options.scan_pushed and not args.no_scan:
            ranges = pushscan.push_ranges(repo, updates, remote)
            status = max(status, _scan_pushed(ranges, options.scan_hooks, args.config))
        return status
    finally:
        repo.close()


def _scan_pushed(ranges: Sequence[str], hooks: Sequence[str], config: str | None) -> int:
    """Judge what each pushed range adds; the worst exit code."""
    from mlwarden.core.hooks import hook_names
    from mlwarden.core.runner import ScanRequest, run_scan

    known = tuple(h for h in hooks if h in hook_names())
    worst = EXIT_CLEAN
    for rng in ranges if known else ():
        try:
            report = run_scan(ScanRequest(hooks=known, commits=rng, config=config))
        except UsageError as exc:
            print(f"mlwarden-branch-guard: {exc}", file=sys.stderr)
            return EXIT_USAGE
        write_report(report, "text", None)
        if report.failing:
            print(
                f"mlwarden: pushed commits {rng} failed the {'/'.join(known)} scan: rewrite "
                "those commits before pushing (`git rebase -i`); a later commit that deletes "
                "the file or the secret leaves it in history",
                file=sys.stderr,
            )
            worst = EXIT_FINDINGS
    return worst


ENTRYPOINTS: dict[str, Callable[[Sequence[str] | None], int]] = {
    "secrets": secrets,
    "semgrep": semgrep,
    "bandit": bandit,
    "models": models,
    "pins": pins,
    "config-guard": config_guard,
    "branch-guard": branch_guard,
}


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ENTRYPOINTS:
        print(f"usage: python -m mlwarden.entrypoints {{{','.join(ENTRYPOINTS)}}} ARGS...")
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(ENTRYPOINTS[sys.argv[1]](sys.argv[2:]))
