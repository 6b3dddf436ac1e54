"""`mlwarden scan|explain|rules|init|baseline|install|uninstall`, and the per-hook scripts.

Engines are imported only by the hooks that run, so `mlwarden --version` and a hook with
nothing to do return at once.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlwarden import __version__
from mlwarden.core.errors import UsageError

if TYPE_CHECKING:
    from mlwarden.core.runner import ScanReport

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

# Subcommands that belong to one hook live in that hook's modules.
DELEGATED_COMMANDS: dict[str, str] = {
    "baseline": "mlwarden.commands.baseline:main",
    "install": "mlwarden.commands.install:install_main",
    "uninstall": "mlwarden.commands.install:uninstall_main",
}
RULES_TEST_COMMAND = "mlwarden.checks.semgrep:rules_test_main"


def _delegate(target: str, argv: Sequence[str]) -> int:
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        print(f"mlwarden: this command is not available ({module_name} missing)", file=sys.stderr)
        return EXIT_USAGE
    function: Callable[[Sequence[str]], int] = getattr(module, function_name)
    return function(list(argv))


def add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report here")
    parser.add_argument("--config", metavar="PATH", help="config file (default: nearest)")
    parser.add_argument(
        "--commits",
        metavar="RANGE",
        help="judge what the commits of a range added (A..B, A.., ..B, one commit)",
    )
    parser.add_argument(
        "--report-unused-ignores",
        action="store_true",
        help="report `# mlwarden: ignore[...]` comments that silence nothing",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress or summary")
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=None,
        metavar="N",
        help="processes and engine workers to use (default: every core)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="judge every file again (results stay the same)"
    )
    parser.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="I/N",
        help="judge only shard I of N (files partitioned by path hash), e.g. one CI job each",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    try:
        shard = (int(index), int(count))
    except ValueError:
        shard = (0, 0)
    if not 1 <= shard[0] <= shard[1]:
        raise argparse.ArgumentTypeError(f"expected I/N with 1 <= I <= N, got {text!r}")
    return shard


def build_parser() -> argparse.ArgumentParser:
    from mlwarden.core.hooks import hook_names

    parser = argparse.ArgumentParser(
        prog="mlwarden",
        description="Guards ML/AI repositories: secrets, unsafe model loading, poisoned "
        "artifacts, unpinned dependencies, branch and pipeline tampering.",
        epilog="exit codes: 0 clean, 1 findings at or above min-severity or anything not "
        "judged, 2 usage or configuration error",
    )
    parser.add_argument("--version", action="version", version=f"mlwarden {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser(
        "scan", help="run hooks on files (default: the working directory's repository files)"
    )
    scan.add_argument(
        "--hook",
        action="append",
        choices=hook_names(),
        metavar="NAME",
        help=f"hook to run, repeatable (default: all file hooks): {', '.join(hook_names())}",
    )
    scan.add_argument("paths", nargs="*", metavar="PATH")
    scan.add_argument(
        "--staged",
        action="store_true",
        help="judge what the index is about to commit (what `hooks/pre-commit` runs)",
    )
    add_output_options(scan)

    explain = commands.add_parser("explain", help="print a rule's documentation")
    explain.add_argument("rule_id", metavar="ID")

    rules = commands.add_parser("rules", help="list every rule (`rules test [PACK]` tests a pack)")
    rules.add_argument("--hook", metavar="NAME", help="only this hook's rules")
    rules.add_argument("--docs", metavar="DIR", help="write one markdown page a rule into DIR")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")

    init = commands.add_parser(
        "init", help="add mlwarden to this repository's pre-commit config (merged, validated)"
    )
    init.add_argument(
        "--repo",
        "--repo-url",
        dest="repo_url",
        metavar="URL",
        help="fetch the hooks from this git URL, `rev:` pinned (default: a `repo: local` "
        "block that installs this version of mlwarden from the package index)",
    )
    init.add_argument("--rev", help=f"tag or commit for --repo (default: v{__version__})")
    init.add_argument("--ci", choices=("github",), help="also write a CI workflow")

    cache = commands.add_parser("cache", help="the result cache (`cache clear` removes it)")
    cache.add_argument("action", choices=("clear",))

    for name in DELEGATED_COMMANDS:
        commands.add_parser(name, help=f"{name} (see `mlwarden {name} --help`)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in DELEGATED_COMMANDS:
            return _delegate(DELEGATED_COMMANDS[args_list[0]], args_list[1:])
        if args_list[:2] == ["rules", "test"]:
            return _delegate(RULES_TEST_COMMAND, args_list[2:])
        parser = build_parser()
        args = parser.parse_args(args_list)
        if args.command == "scan":
            return _scan_command(args)
        if args.command == "explain":
            return _explain_command(args.rule_id)
        if args.command == "rules":
            return _rules_command(args.hook, args.docs, args.format)
        if args.command == "cache":
            return _cache_command()
        if args.command == "init":
            from mlwarden.commands.init import init_repository

            # pre-commit reads its config at the top of the work tree, wherever init runs.
            root = _work_tree_root()
            if root != Path.cwd().resolve():
                print(f"mlwarden init: writing at the repository's top, {root}")
            return init_repository(root, repo_url=args.repo_url, rev=args.rev, ci=args.ci)
        parser.print_help()
        return EXIT_USAGE
    except UsageError as exc:
        print(f"mlwarden: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _scan_command(args: argparse.Namespace) -> int:
    from mlwarden.core.hooks import file_hook_names

    hooks = tuple(dict.fromkeys(args.hook)) if args.hook else file_hook_names()
    args.files = args.paths
    return run_and_report(hooks, args)


def run_and_report(
    hooks: tuple[str, ...], args: argparse.Namespace, companions: frozenset[str] | None = None
) -> int:
    from mlwarden.core.runner import ScanRequest, run_scan
    from mlwarden.report import console

    if not hooks:
        raise UsageError("no hooks are available")
    extra = {"jobs": args.jobs} if args.jobs else {}
    request = ScanRequest(
        hooks=hooks,
        paths=tuple(args.files),
        commits=args.commits,
        staged=getattr(args, "staged", False),
        config=args.config,
        report_unused_ignores=args.report_unused_ignores,
        companions=companions,
        cache=not args.no_cache,
        shard=args.shard,
        **extra,
    )
    interactive = args.format == "text" and not args.output and not args.no_progress
    progress = console.Progress.start(hooks) if interactive and console.is_tty() else None
    try:
        report = run_scan(request, progress=progress.update if progress else None)
    finally:
        if progress:
            progress.stop()
    write_report(report, args.format, args.output)
    if progress:
        sys.stderr.write(console.summary(report))
    return EXIT_FINDINGS if report.failing else EXIT_CLEAN


def write_report(report: ScanReport, fmt: str, output: str | None) -> None:
    """The report in `fmt` on stdout (or `output`); with text, errors and notices go to
    stderr. Whatever could not be judged is in every format."""
    from mlwarden.report import json as json_report
    from mlwarden.report import sarif, text

    if fmt == "json":
        body = json_report.render(report)
    elif fmt == "sarif":
        from mlwarden.core.catalog import all_rules

        rules = {**all_rules(), **{rule.id: rule for rule in report.extra_rules}}
        body = sarif.render(report, rules)
    else:
        colour = not output and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        body = text.render(report.findings, colour=colour)
        sys.stderr.write(text.render_errors(report.errors))
        sys.stderr.write(text.render_notices(report))
    if output:
        Path(output).write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)


def _work_tree_root() -> Path:
    """The top of the git work tree the working directory is in (else the directory)."""
    from mlwarden.core.git import Repository

    repo = Repository.find(Path.cwd())
    if repo is None:
        return Path.cwd().resolve()
    root = repo.root
    repo.close()
    return root


def _cache_command() -> int:
    from mlwarden.core.cache import FOLDER, clear

    root = _work_tree_root()
    removed = clear(root)
    print(f"removed {root / FOLDER}" if removed else f"no cache at {root / FOLDER}")
    return EXIT_CLEAN


def _explain_command(rule_id: str) -> int:
    from mlwarden.core.catalog import find_rule

    rule = find_rule(rule_id)
    if rule is None:
        raise UsageError(f"unknown rule {rule_id!r}; `mlwarden rules` lists them")
    sys.stdout.write(rule.markdown())
    return EXIT_CLEAN


def _rules_command(hook: str | None, docs_dir: str | None, fmt: str) -> int:
    from mlwarden.commands.ruledocs import rules_table, write_rule_docs
    from mlwarden.core.catalog import all_rules

    rules = [r for r in all_rules().values() if hook is None or r.hook == hook]
    if hook is not None and not rules:
        raise UsageError(f"no rules for hook {hook!r}")
    if docs_dir:
        written = write_rule_docs(Path(docs_dir), rules)
        print(f"wrote {written} rule pages to {docs_dir}")
        return EXIT_CLEAN
    if fmt == "markdown":
        sys.stdout.write(rules_table(rules))
        return EXIT_CLEAN
    for rule in rules:
        print(f"{rule.id:<8} {rule.severity.label:<8} {rule.hook:<13} {rule.slug}")
    return EXIT_CLEAN
