"""How each scanner is run on one file, and how its output becomes one verdict.

Verdicts (per file and tool):
- `detected`: the tool lists a security finding for the file (see each adapter);
- `failed`: no finding, but the tool refuses the file: an error for it, an incomplete
  analysis, or an error exit code (2, or non-zero with an error);
- `error-pass`: the tool printed an error for the file yet exited 0 (a commit passes);
- `pass`: nothing reported (modelscan's "no supported file", exit 3, is a pass: `skipped`);
- `crash`: no parsable output, or killed by the timeout.

Every tool runs under `unshare -n` (a fresh network namespace: loopback only, down) with
telemetry switched off by environment, in a throwaway HOME.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DETECTED, FAILED, ERROR_PASS, PASS, CRASH = "detected", "failed", "error-pass", "pass", "crash"
VERDICTS = (DETECTED, FAILED, ERROR_PASS, PASS, CRASH)
TIMEOUT = 300
PEER_ENV = {
    # modelaudit (telemetry.py: PROMPTFOO_DISABLE_TELEMETRY / NO_ANALYTICS turn PostHog off)
    "PROMPTFOO_DISABLE_TELEMETRY": "1",
    "NO_ANALYTICS": "1",
    "DO_NOT_TRACK": "1",
    # no hub look-ups from any library the peers import
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONDONTWRITEBYTECODE": "1",
}

# Fickling has no CLI for archives: this mirrors the dispatch of its own `--huggingface`
# mode (cli._scan_huggingface) for one local file, through its public API.
FICKLING_SHIM = """
import json, os, sys, zipfile
import fickling
from fickling.analysis import Severity
path = sys.argv[1]
if zipfile.is_zipfile(path):
    found = fickling.scan_zip_archive(path, graceful=True, json_output_path=os.devnull)
    results = list(found.values())
else:
    results = [fickling.scan_file(path, graceful=True, json_output_path=os.devnull)]
worst = max((r.severity for res in results for r in res.results), default=Severity.LIKELY_SAFE)
print(json.dumps({
    "unsafe": worst > Severity.LIKELY_SAFE,
    "severity": worst.name,
    "errors": [e for res in results for e in res.errors],
    "members": len(results),
}))
"""


@dataclass(frozen=True)
class Outcome:
    verdict: str
    exit_code: int
    seconds: float
    detail: str = ""


@dataclass
class Tool:
    """One scanner: how to call it on a file, and how to read what it printed."""

    name: str
    command: Callable[[Path, Path], list[str]]  # (file, scratch dir) -> argv
    interpret: Callable[[int, str, str, Path], Outcome]  # exit, stdout, stderr, scratch
    env: dict[str, str] = field(default_factory=dict)

    def run(self, path: Path, *, sandbox: bool = True, timeout: int = TIMEOUT) -> Outcome:
        with tempfile.TemporaryDirectory(prefix=f"bench-{self.name}-") as tmp:
            scratch = Path(tmp)
            home = scratch / "home"
            home.mkdir()
            env = {**os.environ, **PEER_ENV, **self.env, "HOME": str(home), "TMPDIR": str(scratch)}
            argv = self.command(path, scratch)
            if sandbox:
                argv = ["unshare", "-n", *argv]
            start = time.perf_counter()
            try:
                proc = subprocess.run(
                    argv,
                    cwd=path.parent,
                    env=env,
                    capture_output=True,
                    text=True,
                    errors="replace",
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                return Outcome(CRASH, -1, time.perf_counter() - start, f"timeout {timeout}s")
            seconds = time.perf_counter() - start
            try:
                outcome = self.interpret(proc.returncode, proc.stdout, proc.stderr, scratch)
            except Exception as exc:  # any unreadable output: the tool crashed on the file
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
                return Outcome(
                    CRASH, proc.returncode, seconds, f"unreadable output ({exc}): {tail[0][:200]}"
                )
            return Outcome(outcome.verdict, proc.returncode, seconds, outcome.detail)


def _short(items: Sequence[str], limit: int = 3) -> str:
    text = "; ".join(i.replace("\n", " ")[:160] for i in items[:limit])
    return text + (f" (+{len(items) - limit})" if len(items) > limit else "")


# --- mlwarden ------------------------------------------------------------------------------


def mlwarden(
    executable: str, config: Path, notes: frozenset[str], incomplete: frozenset[str]
) -> Tool:
    """`mlwarden scan --hook models --format json`. Findings count unless their rule is a
    policy note (`notes`: pickle-format, large file); `incomplete` rules (analysis
    stopped) and JSON `errors` make the file `failed` when the exit code is non-zero."""

    def command(path: Path, _scratch: Path) -> list[str]:
        return [
            executable,
            "scan",
            "--hook",
            "models",
            "--format",
            "json",
            "--no-progress",
            "--config",
            str(config),
            path.name,
        ]

    def interpret(code: int, out: str, _err: str, _scratch: Path) -> Outcome:
        report = json.loads(out)
        findings = [f for f in report["findings"] if f["rule_id"] not in notes]
        hits = [f for f in findings if f["rule_id"] not in incomplete]
        stops = [f for f in findings if f["rule_id"] in incomplete]
        errors = [e["message"] for e in report.get("errors", [])]
        if hits:
            return Outcome(
                DETECTED, code, 0, _short([f"{f['rule_id']} {f['message']}" for f in hits])
            )
        trouble = [f"{f['rule_id']} {f['message']}" for f in stops] + errors
        if trouble:
            return Outcome(FAILED if code != 0 else ERROR_PASS, code, 0, _short(trouble))
        return Outcome(PASS if code == 0 else FAILED, code, 0, "")

    return Tool("mlwarden", command, interpret, env={})


# --- modelaudit ----------------------------------------------------------------------------

MODELAUDIT_SECURITY = {"warning", "critical"}


def modelaudit(executable: str) -> Tool:
    """`modelaudit scan FILE --format json --no-cache`. A finding is an issue of severity
    warning or critical (what its exit code 1 counts); info/debug issues are notes. Exit 2
    without such a finding is `failed` (its code: operational error or inconclusive)."""

    def command(path: Path, scratch: Path) -> list[str]:
        return [
            executable,
            "scan",
            path.name,
            "--format",
            "json",
            "--no-cache",
            "--output",
            str(scratch / "out.json"),
        ]

    def interpret(code: int, out: str, _err: str, scratch: Path) -> Outcome:
        report = json.loads((scratch / "out.json").read_text())
        issues = report.get("issues", [])
        hits = [i for i in issues if str(i.get("severity", "")).lower() in MODELAUDIT_SECURITY]
        said = [ln.split(": ", 1)[-1] for ln in out.splitlines() if ln.startswith("Scanned ")]
        if hits:
            return Outcome(
                DETECTED, code, 0, _short([f"{i['severity']}: {i['message']}" for i in hits])
            )
        notes = said + [f"{i.get('severity')}: {i.get('message')}" for i in issues]
        if code != 0:
            return Outcome(FAILED, code, 0, _short(notes) or "exit code 2")
        if report.get("has_errors"):
            return Outcome(ERROR_PASS, code, 0, _short(notes))
        return Outcome(PASS, code, 0, "")

    return Tool("modelaudit", command, interpret)


# --- picklescan ----------------------------------------------------------------------------

_PS_COUNT = re.compile(r"^(Scanned files|Infected files|Dangerous globals): (\d+)$", re.M)


def picklescan(executable: str) -> Tool:
    """`picklescan --path FILE` (default, non-strict mode). A finding is a non-zero
    "Dangerous globals" count in its summary (its exit code 1); exit 2 is a scan error."""

    def command(path: Path, _scratch: Path) -> list[str]:
        return [executable, "--path", path.name]

    def interpret(code: int, out: str, err: str, _scratch: Path) -> Outcome:
        counts = {k: int(v) for k, v in _PS_COUNT.findall(out)}
        if "Dangerous globals" not in counts:
            raise ValueError("no scan summary")
        found = [ln for ln in out.splitlines() if ln.endswith(" FOUND")]
        if counts["Dangerous globals"] > 0:
            return Outcome(DETECTED, code, 0, _short(found) or "dangerous globals")
        problems = [ln for ln in (out + err).splitlines() if "ERROR" in ln or "error" in ln.lower()]
        if code != 0:
            return Outcome(FAILED, code, 0, _short(problems) or f"exit {code}")
        if counts.get("Scanned files", 0) == 0:
            return Outcome(PASS, code, 0, "skipped (0 files scanned)")
        return Outcome(PASS, code, 0, "")

    return Tool("picklescan", command, interpret)


# --- fickling ------------------------------------------------------------------------------


def fickling(python: str) -> Tool:
    """fickling's public API (`scan_zip_archive` for zips, else `scan_file`, graceful),
    as its own hub-scanning mode dispatches. A finding is an analysis severity above
    LIKELY_SAFE (its CLI's unsafe rule); parse errors alone are `failed`."""

    def command(path: Path, _scratch: Path) -> list[str]:
        return [python, "-c", FICKLING_SHIM, path.name]

    def interpret(code: int, out: str, _err: str, _scratch: Path) -> Outcome:
        lines = [ln for ln in out.splitlines() if ln.startswith("{")]
        if not lines:
            raise ValueError("no JSON line (fickling raised)")
        result = json.loads(lines[-1])
        if result["unsafe"]:
            return Outcome(DETECTED, code, 0, result["severity"])
        if result["errors"]:
            return Outcome(FAILED, code, 0, _short(result["errors"]))
        if result["members"] == 0:
            return Outcome(PASS, code, 0, "skipped (no pickle member)")
        return Outcome(PASS, code, 0, "")

    return Tool("fickling", command, interpret)


# --- modelscan -----------------------------------------------------------------------------


def modelscan(executable: str) -> Tool:
    """`modelscan -p FILE -r json -o OUT`. A finding is any entry of `issues` (exit 1);
    `errors` make the file `failed` whatever the exit code; exit 3 with neither means
    no scanner took the file (`skipped`)."""

    def command(path: Path, scratch: Path) -> list[str]:
        return [executable, "-p", path.name, "-r", "json", "-o", str(scratch / "out.json")]

    def interpret(code: int, _out: str, _err: str, scratch: Path) -> Outcome:
        report = json.loads((scratch / "out.json").read_text())
        issues = report.get("issues", [])
        if issues:
            return Outcome(
                DETECTED,
                code,
                0,
                _short([f"{i.get('severity')}: {i.get('description')}" for i in issues]),
            )
        errors = [f"{e.get('category')}: {e.get('description')}" for e in report.get("errors", [])]
        if errors or code == 2:
            return Outcome(FAILED, code, 0, _short(errors) or "exit 2")
        return Outcome(PASS, code, 0, "skipped (no scanner)" if code == 3 else "")

    return Tool("modelscan", command, interpret)


# --- the set -----------------------------------------------------------------------------

DEFAULT_PEERS_VENV = Path("/work/peers/models-peers-venv")
DEFAULT_NOTES = "MOD003,MOD004"
DEFAULT_INCOMPLETE = "MOD007"


def make_tools(
    names: Sequence[str],
    *,
    mlwarden_exe: str,
    peers_venv: Path,
    notes: str = DEFAULT_NOTES,
    incomplete: str = DEFAULT_INCOMPLETE,
    scratch: Path,
) -> list[Tool]:
    """The tools to run, in table order; raises if an executable is missing."""
    config = scratch / "pyproject.toml"
    config.write_text(
        "# an empty [tool.mlwarden]: defaults, whatever repo holds the corpus\n[tool.mlwarden]\n"
    )
    bin_dir = peers_venv / "bin"
    factories: dict[str, Callable[[], Tool]] = {
        "mlwarden": lambda: mlwarden(_which(mlwarden_exe), config, _ids(notes), _ids(incomplete)),
        "modelaudit": lambda: modelaudit(_which(str(bin_dir / "modelaudit"))),
        "picklescan": lambda: picklescan(_which(str(bin_dir / "picklescan"))),
        "fickling": lambda: fickling(_which(str(bin_dir / "python"))),
        "modelscan": lambda: modelscan(_which(str(bin_dir / "modelscan"))),
    }
    unknown = set(names) - set(factories)
    if unknown:
        raise SystemExit(f"unknown tools: {sorted(unknown)}")
    return [factories[n]() for n in names]


def _ids(text: str) -> frozenset[str]:
    return frozenset(x.strip() for x in text.split(",") if x.strip())


def _which(exe: str) -> str:
    found = shutil.which(exe)
    if found is None:
        raise SystemExit(f"not found or not executable: {exe}")
    return found


def check_sandbox() -> None:
    """Fail early unless `unshare -n` works and leaves no route out."""
    # No packet is sent: the namespace must simply have no interface but loopback.
    probe = (
        "import socket, sys\nsys.exit(0 if [n for _, n in socket.if_nameindex()] == ['lo'] else 3)"
    )
    try:
        proc = subprocess.run(
            ["unshare", "-n", "python3", "-c", probe], capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SystemExit(f"`unshare -n` is needed (run as root): {exc}") from None
    if proc.returncode != 0:
        raise SystemExit(
            "`unshare -n` failed or the namespace has a route: "
            + proc.stderr.decode(errors="replace")[-300:]
        )


def versions(tools: Sequence[Tool], peers_venv: Path, mlwarden_exe: str) -> dict[str, str]:
    """Installed versions, for the report."""
    out: dict[str, str] = {}
    pip = peers_venv / "bin" / "python"
    for tool in tools:
        if tool.name == "mlwarden":
            proc = subprocess.run(
                [_which(mlwarden_exe), "--version"], capture_output=True, text=True, check=False
            )
            out["mlwarden"] = proc.stdout.strip() or proc.stderr.strip()
            continue
        proc = subprocess.run(
            [str(pip), "-c", f"import importlib.metadata as m; print(m.version('{tool.name}'))"],
            capture_output=True,
            text=True,
            check=False,
        )
        out[tool.name] = proc.stdout.strip()
    return out
