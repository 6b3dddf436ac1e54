"""`mlwarden rules test [PATH]`: run a rule pack's tests and report pass/fail per rule.

A pack keeps each rule's test file beside it (`SG001.yaml` + `SG001.py` with `# ruleid:`
and `# ok:` lines). We run `semgrep test --json` (the fast OCaml runner) and fall back to
`semgrep --test --json` when it is unavailable, then print one line per rule.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from mlwarden.checks.semgrep.engine import semgrep_env, semgrep_executable


@dataclass(frozen=True)
class RuleTest:
    rule_id: str
    config: str
    passed: bool
    missing: tuple[int, ...] = ()
    unexpected: tuple[int, ...] = ()


@dataclass(frozen=True)
class PackTestReport:
    tests: tuple[RuleTest, ...]
    missing_tests: tuple[str, ...]
    config_errors: tuple[str, ...]
    engine: str

    @property
    def ok(self) -> bool:
        return (
            bool(self.tests)
            and all(t.passed for t in self.tests)
            and not (self.missing_tests or self.config_errors)
        )


class PackTestError(RuntimeError):
    pass


def _commands(exe: str, pack: Path, experimental: bool) -> list[tuple[str, list[str]]]:
    standard = [exe, "--test", "--json", "--metrics=off", "--disable-version-check", str(pack)]
    fast = [exe, "test", "--json", str(pack)]
    runs = [("semgrep test", fast)] if experimental else []
    return [*runs, ("semgrep --test", standard)]


def _lines(value: object) -> set[int]:
    return {int(v) for v in value} if isinstance(value, list) else set()


def parse_report(data: Mapping[str, Any], engine: str) -> PackTestReport:
    tests: list[RuleTest] = []
    results = data.get("results")
    if not isinstance(results, dict):
        raise PackTestError("semgrep test output has no results")
    for config, result in sorted(results.items()):
        checks = result.get("checks") if isinstance(result, dict) else None
        for rule_id, check in sorted((checks or {}).items()):
            missing: set[int] = set()
            unexpected: set[int] = set()
            for match in (check.get("matches") or {}).values():
                expected, reported = (
                    _lines(match.get("expected_lines")),
                    _lines(match.get("reported_lines")),
                )
                missing |= expected - reported
                unexpected |= reported - expected
            tests.append(
                RuleTest(
                    rule_id=str(rule_id).rsplit(".", 1)[-1],
                    config=str(config),
                    passed=bool(check.get("passed")) and not check.get("errors"),
                    missing=tuple(sorted(missing)),
                    unexpected=tuple(sorted(unexpected)),
                )
            )
    config_errors = tuple(
        json.dumps(item) if not isinstance(item, str) else item
        for item in data.get("config_with_errors") or []
    )
    missing_tests = tuple(str(item) for item in data.get("config_missing_tests") or [])
    return PackTestReport(tuple(tests), missing_tests, config_errors, engine)


def run_pack_tests(
    pack: Path, *, experimental: bool = True, timeout: float = 900.0
) -> PackTestReport:
    exe = semgrep_executable()
    if exe is None:
        raise PackTestError("semgrep is not installed (pip install semgrep)")
    failure = "semgrep test did not run"
    for engine, command in _commands(exe, pack, experimental):
        try:
            proc = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=semgrep_env(),
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            failure = f"{engine} timed out after {timeout:g} s"
            continue
        except OSError as exc:
            failure = f"cannot run {engine}: {exc.strerror or exc}"
            continue
        try:
            data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            failure = f"{engine} failed with exit code {proc.returncode}"
            continue
        if isinstance(data, dict) and isinstance(data.get("results"), dict):
            return parse_report(data, engine)
    raise PackTestError(failure)


def print_report(report: PackTestReport, pack: Path, out: TextIO) -> None:
    for test in report.tests:
        config = _relative(test.config, pack)
        if test.passed:
            print(f"PASS {test.rule_id} {config}", file=out)
            continue
        detail = []
        if test.missing:
            detail.append("missed lines " + ", ".join(map(str, test.missing)))
        if test.unexpected:
            detail.append("unexpected lines " + ", ".join(map(str, test.unexpected)))
        print(f"FAIL {test.rule_id} {config}: {'; '.join(detail) or 'error'}", file=out)
    for config in report.missing_tests:
        print(f"FAIL {_relative(config, pack)}: no test file beside the rule", file=out)
    for error in report.config_errors:
        print(f"ERROR {error}", file=out)
    passed = sum(t.passed for t in report.tests)
    print(f"{passed}/{len(report.tests)} rules passed ({report.engine})", file=out)


def _relative(path: str, pack: Path) -> str:
    try:
        return Path(path).resolve().relative_to(pack.resolve()).as_posix()
    except ValueError:
        return path


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    from mlwarden.checks.semgrep.pack import PackError, pack_dir

    parser = argparse.ArgumentParser(
        prog="mlwarden rules test",
        description="Run a semgrep rule pack's tests (# ruleid: / # ok: lines) rule by rule.",
    )
    parser.add_argument(
        "path", nargs="?", help="rule pack folder or file (default: mlwarden's pack)"
    )
    parser.add_argument(
        "--no-experimental", action="store_true", help="use the standard semgrep CLI only"
    )
    args = parser.parse_args(argv)
    stream = out or sys.stdout
    try:
        pack = Path(args.path) if args.path else pack_dir()
    except PackError as exc:
        print(f"mlwarden rules test: {exc}", file=sys.stderr)
        return 2
    if not pack.exists():
        print(f"mlwarden rules test: {pack}: no such file or folder", file=sys.stderr)
        return 2
    try:
        report = run_pack_tests(pack, experimental=not args.no_experimental)
    except PackTestError as exc:
        print(f"mlwarden rules test: {exc}", file=sys.stderr)
        return 2
    print_report(report, pack, stream)
    return 0 if report.ok else 1
