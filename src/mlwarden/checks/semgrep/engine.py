"""One offline semgrep process: command line, fallback, and its JSON turned into plain data.

`semgrep scan --experimental` (the OCaml CLI) runs the same rules about ten times faster
than the Python wrapper on a pre-commit sized run, so we try it first and fall back to
the standard CLI when it fails (missing binary, unsupported option, crash). Both are
asked for JSON with metrics and the version check off; rules are local files only.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlwarden.core.executables import executable

# semgrep exits 0 (or 1 with --error) when the scan itself worked, findings or not.
_OK_EXIT_CODES = (0, 1)


# semgrep's exit codes for bad rules (invalid pattern, bad YAML, bad rule schema): the
# other CLI reads the same rules and would fail the same way, so no fallback.
RULE_ERROR_EXIT_CODES = frozenset({4, 5, 7})


class EngineError(RuntimeError):
    """semgrep could not run at all (not installed, invalid rules, crashed)."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


@dataclass(frozen=True)
class RawMatch:
    check_id: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str


@dataclass(frozen=True)
class RawError:
    path: str | None
    line: int | None
    kind: str
    message: str


@dataclass(frozen=True)
class EngineOutput:
    matches: tuple[RawMatch, ...]
    errors: tuple[RawError, ...]
    engine: str


def semgrep_executable() -> str | None:
    return executable("semgrep")


def semgrep_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SEMGREP_ENABLE_VERSION_CHECK"] = "0"
    env["SEMGREP_SEND_METRICS"] = "off"
    # Never pick up a user's registry login or rules from the environment.
    env.pop("SEMGREP_RULES", None)
    env.pop("SEMGREP_APP_TOKEN", None)
    return env


def scan_command(
    exe: str,
    configs: Sequence[Path],
    targets: Sequence[str],
    *,
    experimental: bool,
    max_target_bytes: int,
    jobs: int = 1,
) -> list[str]:
    command = [exe, "scan"]
    if experimental:
        command.append("--experimental")
    command += ["--json", "--metrics=off", "--disable-version-check", "--quiet", f"--jobs={jobs}"]
    # Explicit targets are scanned even if .gitignore/.semgrepignore would skip them:
    # the runner already applied mlwarden's own `exclude`.
    command += ["--no-git-ignore", f"--max-target-bytes={max_target_bytes}"]
    for config in configs:
        command += ["--config", str(config)]
    command.append("--")
    command += list(targets)
    return command


def _position(data: Mapping[str, Any], key: str) -> tuple[int, int]:
    pos = data.get(key)
    if isinstance(pos, dict):
        return int(pos.get("line", 1)), int(pos.get("col", 1))
    return 1, 1


def parse_output(text: str, engine: str) -> EngineOutput:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise EngineError("semgrep did not produce JSON output") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise EngineError("semgrep JSON output has no results")
    matches = []
    for result in data["results"]:
        line, column = _position(result, "start")
        end_line, end_column = _position(result, "end")
        extra = result.get("extra") if isinstance(result.get("extra"), dict) else {}
        matches.append(
            RawMatch(
                check_id=str(result.get("check_id", "")),
                path=str(result.get("path", "")),
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                message=" ".join(str(extra.get("message", "")).split()),
            )
        )
    errors = []
    for error in data.get("errors") or []:
        if not isinstance(error, dict):
            continue
        kind = error.get("type")
        kind_name = str(kind[0] if isinstance(kind, list) and kind else kind or "error")
        path = error.get("path")
        error_line: int | None = None
        spans = error.get("spans")
        if isinstance(spans, list) and spans and isinstance(spans[0], dict):
            path = path or spans[0].get("file")
            error_line = _position(spans[0], "start")[0]
        message = str(error.get("message") or kind_name).strip().splitlines()
        errors.append(
            RawError(
                path=str(path) if path else None,
                line=error_line,
                kind=kind_name,
                message=message[0].rstrip(": ") if message else kind_name,
            )
        )
    return EngineOutput(tuple(matches), tuple(errors), engine)


def _run_once(command: list[str], cwd: Path, timeout: float, engine: str) -> EngineOutput:
    try:
        proc = subprocess.run(
            command,
            cwd=cwd,
            env=semgrep_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise EngineError(f"semgrep timed out after {timeout:g} s") from None
    except OSError as exc:
        raise EngineError(f"cannot run semgrep: {exc.strerror or exc}") from None
    if proc.returncode not in _OK_EXIT_CODES:
        try:
            output = parse_output(proc.stdout, engine)
        except EngineError:
            output = None
        if output is not None and output.errors and proc.returncode == 2:
            # The OCaml CLI skips a rule it cannot parse, scans with the others and
            # exits 2: keep those results, the caller reports the errors.
            return output
        detail = _first_error_line(proc.stderr) or (
            output.errors[0].message if output and output.errors else ""
        )
        raise EngineError(
            f"semgrep exited with code {proc.returncode}: {detail}".rstrip(": "), proc.returncode
        )
    return parse_output(proc.stdout, engine)


def _first_error_line(stderr: str) -> str:
    for line in stderr.splitlines():
        text = line.strip()
        if text and ("error" in text.lower() or "invalid" in text.lower()):
            return text
    return ""


def auto_jobs(target_count: int) -> int:
    """semgrep's parallel workers only pay off on big runs.

    On a small run their start-up dominates, and on a busy machine (pre-commit already runs
    hooks in parallel) semgrep's default of ~all cores burned 3x the CPU for a slower scan
    in our measurements: one worker below 100 files, else half the cores, at most 4.
    """
    if target_count < 100:
        return 1
    return max(1, min(4, (os.cpu_count() or 2) // 2))


def run_semgrep(
    configs: Sequence[Path],
    targets: Sequence[str],
    *,
    cwd: Path,
    experimental: bool = True,
    max_target_bytes: int = 5 * 1024 * 1024,
    timeout: float = 300.0,
    jobs: int = 0,
) -> EngineOutput:
    """Scan `targets` (paths relative to `cwd`) with every rule in `configs`.

    `jobs` 0 picks the number of semgrep workers from the number of targets.
    """
    exe = semgrep_executable()
    if exe is None:
        raise EngineError("semgrep is not installed (pip install semgrep)")
    attempts = [True, False] if experimental else [False]
    failure = EngineError("semgrep did not run")
    for use_experimental in attempts:
        command = scan_command(
            exe,
            configs,
            targets,
            experimental=use_experimental,
            max_target_bytes=max_target_bytes,
            jobs=jobs or auto_jobs(len(targets)),
        )
        engine = "semgrep --experimental" if use_experimental else "semgrep"
        try:
            return _run_once(command, cwd, timeout, engine)
        except EngineError as exc:
            failure = exc
            if exc.returncode in RULE_ERROR_EXIT_CODES:
                break
    raise failure
