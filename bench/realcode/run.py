"""Run mlwarden and its peers on the pinned real repositories of `repos.toml`.

Each repository is materialised from a fetched git snapshot (a bare mirror, one per repo, at
`<mirrors>/<owner>+<name>/repo`) as a one-commit git repository under `--corpora`, so that
`mlwarden scan` sees tracked files. Blobs a snapshot lacks (large files) are skipped and listed.
Then each tool runs with its defaults from the tree's root:

- `mlwarden scan --format json --no-progress` (every file hook);
- `detect-secrets scan` (git-tracked files, default plugins and filters);
- `bandit -r . -f json`;
- `semgrep scan --config <semgrep-rules> --json --metrics=off` (mlwarden's rule pack, plain).

Findings are normalised to rows (repo, commit, tool, hook, rule, path, line, member, message,
text) and written to `bench/.cache/realcode/findings-<tool>.jsonl`; `text` is the stripped source
line (for a notebook, the raw JSON line), which `score.py` uses to follow line drift. Rows of
repositories not run this time are kept, so one repo or one tool can be re-run alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = ROOT / "bench" / ".cache" / "realcode"
TOOLS = ("mlwarden", "detect-secrets", "bandit", "semgrep")
QUIET_SEMGREP = {"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
TEXT_MAX = 400
LOC_SUFFIXES = (".py", ".pyi", ".sh", ".bash", ".yml", ".yaml", ".toml", ".cfg", ".ini")


@dataclass(frozen=True)
class Repo:
    name: str
    url: str
    commit: str
    paths: tuple[str, ...]  # subtrees to take; empty: the whole repository

    @property
    def slug(self) -> str:
        """`https://github.com/owner/name` -> `owner+name`, the mirror's folder name."""
        owner, name = self.url.rstrip("/").split("/")[-2:]
        return f"{owner}+{name}"


def load_repos(path: Path) -> list[Repo]:
    data = tomllib.loads(path.read_text())
    return [Repo(r["name"], r["url"], r["commit"], tuple(r.get("paths", ()))) for r in data["repo"]]


# --- materialise --------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path | None = None, **kw: object) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, **kw)
    return out.stdout


def _tree_entries(git_dir: Path, commit: str, paths: Sequence[str]) -> list[tuple[str, str, str]]:
    """(mode, sha, path) of every blob and symlink at `commit` under `paths`."""
    out = _git(["--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit, "--", *paths])
    entries = []
    for record in out.split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob":
            entries.append((mode, sha, path))
    return entries


def _write_blobs(git_dir: Path, dest: Path, entries: list[tuple[str, str, str]]) -> list[str]:
    """Write each blob under `dest`; return the paths whose blob the snapshot lacks."""
    missing = []
    proc = subprocess.Popen(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    for mode, sha, path in entries:
        proc.stdin.write(sha.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) == 2 and header[1] == b"missing":
            missing.append(path)
            continue
        size = int(header[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the content
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(data.decode())
            continue
        target.write_bytes(data)
        if mode == "100755":
            target.chmod(0o755)
    proc.stdin.close()
    proc.wait()
    return missing


def materialise(repo: Repo, mirrors: Path, corpora: Path) -> Path:
    """`corpora/<name>`: the pinned commit as a one-commit git repository (reused if present)."""
    dest = corpora / repo.name
    marker = dest / ".git" / "realcode-commit"
    if marker.exists() and marker.read_text().strip() == repo.commit:
        return dest
    git_dir = mirrors / repo.slug / "repo"
    if not git_dir.exists():
        raise SystemExit(f"{repo.name}: no mirror at {git_dir} (fetch github:{repo.slug})")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    entries = _tree_entries(git_dir, repo.commit, repo.paths)
    missing = _write_blobs(git_dir, dest, entries)
    env = {**os.environ, "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    _git(["init", "-q", "-b", "main"], cwd=dest)
    _git(["add", "-A", "-f"], cwd=dest)
    _git(
        [
            "-c",
            "user.name=realcode",
            "-c",
            "user.email=realcode@invalid",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            f"{repo.url} @ {repo.commit}",
        ],
        cwd=dest,
        env=env,
    )
    (dest / ".git" / "realcode-missing").write_text("".join(p + "\n" for p in missing))
    marker.write_text(repo.commit + "\n")
    if missing:
        print(f"{repo.name}: {len(missing)} blob(s) absent from the snapshot", file=sys.stderr)
    return dest


# --- lines of code ------------------------------------------------------------------------


def tracked(tree: Path) -> list[str]:
    return [p for p in _git(["ls-files", "-z"], cwd=tree).split("\0") if p]


def _is_code(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name in ("uv.lock", "poetry.lock", "Pipfile.lock"):
        return False
    return (
        name.endswith(LOC_SUFFIXES)
        or name.startswith("Dockerfile")
        or name.endswith(".dockerfile")
        or (name.startswith("requirements") and name.endswith(".txt"))
    )


def lines_of_code(tree: Path) -> int:
    """Non-blank lines of code and config: Python, shell, YAML, TOML, INI, Dockerfiles,
    requirements files, and notebook code cells; lock files, JSON, Markdown and data excluded."""
    total = 0
    for path in tracked(tree):
        file = tree / path
        if not file.is_file() or file.is_symlink():
            continue
        if path.endswith(".ipynb"):
            total += _notebook_code_lines(file)
        elif _is_code(path):
            text = file.read_text(errors="replace")
            total += sum(1 for line in text.splitlines() if line.strip())
    return total


def _notebook_code_lines(file: Path) -> int:
    try:
        cells = json.loads(file.read_text(errors="replace")).get("cells", [])
    except (json.JSONDecodeError, AttributeError):
        return 0
    total = 0
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            total += sum(1 for line in text.splitlines() if line.strip())
    return total


# --- tools --------------------------------------------------------------------------------


def _run(cmd: Sequence[str], cwd: Path, timeout: float) -> tuple[str, float, int]:
    env = {**os.environ, **QUIET_SEMGREP}
    start = time.perf_counter()
    out = subprocess.run(
        list(cmd), cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):
        print(f"  {cmd[0]} exited {out.returncode}: {out.stderr[-2000:]}", file=sys.stderr)
    return out.stdout, elapsed, out.returncode


def run_mlwarden(exe: Path, tree: Path, timeout: float, errors: list) -> Iterable[dict]:
    out, _, code = _run([str(exe), "scan", "--format", "json", "--no-progress"], tree, timeout)
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        raise SystemExit(f"{tree.name}: mlwarden exited {code} without a JSON report") from None
    for err in data.get("errors", []):
        print(f"  mlwarden error: {err}", file=sys.stderr)
        errors.append(err)
    for f in data["findings"]:
        yield {
            "hook": f["hook"],
            "rule": f["rule_id"],
            "path": f["path"],
            "line": f["line"] or 0,
            "member": f.get("member"),
            "message": f["message"],
        }


def run_detect_secrets(exe: Path, tree: Path, timeout: float) -> Iterable[dict]:
    out, *_ = _run([str(exe), "scan"], tree, timeout)
    for path, secrets in json.loads(out)["results"].items():
        for s in secrets:
            yield {
                "hook": "detect-secrets",
                "rule": s["type"],
                "path": path,
                "line": s["line_number"],
                "member": None,
                "message": s["type"],
            }


def run_bandit(exe: Path, tree: Path, timeout: float) -> Iterable[dict]:
    out, *_ = _run([str(exe), "-r", ".", "-f", "json", "-q"], tree, timeout)
    data = json.loads(out)
    for err in data.get("errors", []):
        print(f"  bandit error: {err}", file=sys.stderr)
    for r in data["results"]:
        yield {
            "hook": "bandit",
            "rule": r["test_id"],
            "path": r["filename"].removeprefix("./"),
            "line": r["line_number"],
            "member": None,
            "message": r["issue_text"],
        }


def run_semgrep(exe: Path, tree: Path, timeout: float, rules: Path) -> Iterable[dict]:
    cmd = [str(exe), "scan", "--config", str(rules), "--json", "--metrics=off", "--quiet"]
    out, *_ = _run(cmd, tree, timeout)
    data = json.loads(out)
    for err in data.get("errors", []):
        print(f"  semgrep error: {str(err)[:300]}", file=sys.stderr)
    for r in data["results"]:
        yield {
            "hook": "semgrep",
            "rule": r["check_id"].rsplit(".", 1)[-1],
            "path": r["path"],
            "line": r["start"]["line"],
            "member": None,
            "message": r["extra"]["message"],
        }


def source_line(tree: Path, path: str, line: int, cache: dict[str, list[str]]) -> str:
    if path not in cache:
        try:
            cache[path] = (tree / path).read_text(errors="replace").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[path] = []
    lines = cache[path]
    return lines[line - 1].strip()[:TEXT_MAX] if 0 < line <= len(lines) else ""


def add_details(rows: list[dict]) -> None:
    """`detail` tells apart findings of one rule on one line: the first `quoted` name in the
    message (a package, an action, a pickle global), else nothing; `#n` is added to repeats."""
    seen: dict[tuple, int] = {}
    for row in sorted(rows, key=sort_key):
        quoted = re.search(r"`([^`]{1,80})`", row["message"])
        detail = quoted.group(1) if quoted and row["tool"] == "mlwarden" else ""
        key = (row["repo"], row["tool"], row["path"], row["line"], row["rule"], detail)
        seen[key] = seen.get(key, 0) + 1
        row["detail"] = detail if seen[key] == 1 else f"{detail}#{seen[key]}"


def sort_key(row: dict) -> tuple:
    return (row["repo"], row["tool"], row["path"], row["line"], row["rule"], row["message"])


def write_rows(tool: str, repos: set[str], rows: list[dict], cache: Path) -> Path:
    """Replace `tool`'s rows of `repos` in `findings-<tool>.jsonl`, keeping the other repos."""
    out = cache / f"findings-{tool}.jsonl"
    kept = []
    if out.exists():
        kept = [json.loads(x) for x in out.read_text().splitlines() if x.strip()]
        kept = [r for r in kept if r["repo"] not in repos]
    tmp = out.with_suffix(".tmp")
    tmp.write_text(
        "".join(json.dumps(r, sort_keys=True) + "\n" for r in sorted(kept + rows, key=sort_key))
    )
    tmp.replace(out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repos-file", type=Path, default=HERE / "repos.toml")
    parser.add_argument(
        "--mirrors",
        type=Path,
        default=Path("/work/.mirror"),
        help="folder of fetched snapshots, <owner>+<name>/repo each",
    )
    parser.add_argument(
        "--corpora",
        type=Path,
        default=Path("/work/corpora/realcode"),
        help="where the one-commit repositories are made (outside this repo)",
    )
    parser.add_argument("--mlwarden", type=Path, default=Path(shutil.which("mlwarden") or ""))
    parser.add_argument(
        "--bin-dir",
        type=Path,
        help="where detect-secrets, bandit, semgrep live (default: beside --mlwarden)",
    )
    parser.add_argument("--semgrep-rules", type=Path, default=ROOT / "semgrep-rules")
    parser.add_argument("--repo", action="append", help="only these repos (repeatable)")
    parser.add_argument("--tool", action="append", choices=TOOLS, help="only these tools")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)

    repos = load_repos(args.repos_file)
    if args.repo:
        unknown = set(args.repo) - {r.name for r in repos}
        if unknown:
            parser.error(f"unknown repo(s): {', '.join(sorted(unknown))}")
        repos = [r for r in repos if r.name in args.repo]
    tools = args.tool or list(TOOLS)
    # Every tool runs inside its tree: paths given relative to here must not change meaning.
    args.semgrep_rules = args.semgrep_rules.absolute()
    args.mlwarden = args.mlwarden.absolute()
    bin_dir = (args.bin_dir or args.mlwarden.parent).absolute()
    args.cache.mkdir(parents=True, exist_ok=True)
    args.corpora.mkdir(parents=True, exist_ok=True)

    rows: dict[str, list[dict]] = {t: [] for t in tools}
    meta: dict[str, dict] = {}
    for repo in repos:
        tree = materialise(repo, args.mirrors, args.corpora)
        missing = (tree / ".git" / "realcode-missing").read_text().split()
        meta[repo.name] = {
            "commit": repo.commit,
            "loc": lines_of_code(tree),
            "files": len(tracked(tree)),
            "missing_blobs": missing,
            "seconds": {},
        }
        lines: dict[str, list[str]] = {}
        for tool in tools:
            start = time.perf_counter()
            if tool == "mlwarden":
                found = run_mlwarden(
                    args.mlwarden,
                    tree,
                    args.timeout,
                    meta[repo.name].setdefault("mlwarden_errors", []),
                )
            elif tool == "detect-secrets":
                found = run_detect_secrets(bin_dir / "detect-secrets", tree, args.timeout)
            elif tool == "bandit":
                found = run_bandit(bin_dir / "bandit", tree, args.timeout)
            else:
                found = run_semgrep(bin_dir / "semgrep", tree, args.timeout, args.semgrep_rules)
            found = list(found)
            meta[repo.name]["seconds"][tool] = round(time.perf_counter() - start, 1)
            for f in found:
                rows[tool].append(
                    {
                        "repo": repo.name,
                        "commit": repo.commit,
                        "tool": tool,
                        **f,
                        "text": source_line(tree, f["path"], f["line"], lines),
                    }
                )
            print(
                f"{repo.name}: {tool}: {len(found)} finding(s) in "
                f"{meta[repo.name]['seconds'][tool]} s",
                file=sys.stderr,
            )
    names = {r.name for r in repos}
    for tool in tools:
        add_details(rows[tool])
        print(write_rows(tool, names, rows[tool], args.cache))
    meta_file = args.cache / "meta.json"
    old = json.loads(meta_file.read_text()) if meta_file.exists() else {}
    old.update(meta)
    meta_file.write_text(json.dumps(old, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
