"""Measure mlwarden and detect-secrets on the peers' own published test strings.

    python bench/secrets_providers/peer_strings.py --mlwarden .venv/bin/mlwarden \\
        [--detect-secrets /work/peers/secrets-venv/bin/detect-secrets] \\
        [--snapshot gitleaks/gitleaks=/path/to/git-dir] [--out DIR] [--repeat 1]

The strings are read at run time from pinned snapshots of gitleaks and detect-secrets
(`peer_sources.json`: repository, commit, files); none of them is stored in this repository.
Each string becomes one file under `--out` (default `bench/.cache/peer_strings`); a true
positive counts as found when the tool reports anything in its file, a false positive string
counts as a false alarm when it does.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import random
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import peer_extract as E
import run

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / ".cache" / "peer_strings"
MIRROR = Path("/work/.mirror")

# Peer rule (gitleaks rule-id prefix, detect-secrets test module) -> catalogue provider.
PROVIDER_OF = {
    "aws-access-token": "aws-access-key-id",  # pragma: allowlist secret
    "aws-amazon-bedrock": "aws-bedrock",
    "aws_key": "aws",  # pragma: allowlist secret
    "azure-ad": "azure-ad-client-secret",
    "azure_storage_key": "azure-storage-key",  # pragma: allowlist secret
    "curl-auth-header": "curl-auth-header",
    "curl-auth-user": "curl-basic-auth",
    "gcp-api-key": "gcp-api-key",  # pragma: allowlist secret
    "github_token": "github",  # pragma: allowlist secret
    "gitlab_token": "gitlab",  # pragma: allowlist secret
    "huggingface": "huggingface",
    "kubernetes-secret": "k8s-secret",  # pragma: allowlist secret
    "pypi_token": "pypi",  # pragma: allowlist secret
    "slack-webhook": "slack-webhook",
    "stripe_key": "stripe",  # pragma: allowlist secret
    "telegram_token": "telegram",  # pragma: allowlist secret
    "telegram-bot": "telegram",
    "hashicorp-tf": "terraform-cloud",  # pragma: allowlist secret
    "vault-": "vault",  # pragma: allowlist secret
    "1password": "1password",  # pragma: allowlist secret
    "new-relic": "newrelic",
    "private-key": "private-key",  # pragma: allowlist secret
    "private_key": "private-key",  # pragma: allowlist secret
    "square_oauth": "square",
    "keyword": "generic-keyword",  # pragma: allowlist secret
    "generic-api-key": "generic",  # pragma: allowlist secret
    "high_entropy_strings": "generic-entropy",
    "basic_auth": "url-password",
    "mailchimp_key": "mailchimp",  # pragma: allowlist secret
    "jwt": "jwt",
}


def provider_of(rule: str) -> str:
    for prefix in sorted(PROVIDER_OF, key=len, reverse=True):
        if rule.startswith(prefix):
            return PROVIDER_OF[prefix]
    return rule.split("-")[0].split("_")[0]


def git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), *args], check=True, capture_output=True, text=True
    ).stdout


def snapshot_files(git_dir: Path, commit: str, pattern: str) -> list[str]:
    names = git(git_dir, "ls-tree", "-r", "--name-only", commit).splitlines()
    return [n for n in names if fnmatch.fnmatch(n, pattern)]


def peer_cases(sources: list[dict], snapshots: dict[str, Path], seed: int) -> Iterator[E.PeerCase]:
    for src in sources:
        git_dir = snapshots.get(src["repo"]) or MIRROR / src["repo"].replace("/", "+") / "repo"
        commit = src["commit"]
        git(git_dir, "cat-file", "-e", commit + "^{commit}")  # the pinned commit is there
        files = snapshot_files(git_dir, commit, src["files"])
        if src["tool"] == "gitleaks":
            lib = E.go_library(
                git(git_dir, "show", f"{commit}:{src['templates']}"),
                git(git_dir, "show", f"{commit}:{src['patterns']}"),
            )
            for path in files:
                rng = random.Random(f"{seed}:{path}")
                yield from E.gitleaks_cases(
                    path, git(git_dir, "show", f"{commit}:{path}"), lib, rng
                )
            print(f"gitleaks: {lib['skipped']} expressions skipped", file=sys.stderr)
        else:
            for path in files:
                yield from E.detect_secrets_cases(path, git(git_dir, "show", f"{commit}:{path}"))


def write_cases(cases: list[E.PeerCase], out: Path) -> list[dict]:
    files = out / "files"
    manifest = []
    for n, case in enumerate(cases):
        provider = provider_of(case.rule)
        rel = f"{case.tool}/{provider}/{n:05d}.{case.ext}"
        path = files / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.text + "\n", encoding="utf-8")
        lines = case.text.count("\n") + 1
        manifest.append(
            {
                "file": rel,
                "line": 1,
                "end_line": lines,
                "set": case.tool,
                "provider": provider,
                "rule": case.rule,
                "source": case.source,
                "expect": "positive" if case.positive else "negative",
            }
        )
    return manifest


def summary(results: dict[str, list[dict]]) -> str:
    rows = [
        "| strings from | true positives | "
        + " | ".join(f"{t} recall" for t in results)
        + " | false positives | "
        + " | ".join(f"{t} false alarms" for t in results)
        + " |",
        "|---|---:|" + "---:|" * len(results) + "---:|" + "---:|" * len(results),
    ]
    first = next(iter(results.values()))
    for peer in sorted({c["set"] for c in first}):
        pos = [i for i, c in enumerate(first) if c["set"] == peer and c["expect"] == "positive"]
        neg = [i for i, c in enumerate(first) if c["set"] == peer and c["expect"] == "negative"]
        cells = [str(len(pos))]
        cells += [run.pct(sum(r[i]["found"] for i in pos), len(pos)) for r in results.values()]
        cells += [str(len(neg))]
        cells += [run.pct(sum(r[i]["found"] for i in neg), len(neg)) for r in results.values()]
        rows.append(f"| {peer} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlwarden", required=True)
    parser.add_argument("--detect-secrets", default=run.DEFAULT_DS)
    parser.add_argument(
        "--snapshot",
        action="append",
        default=[],
        help="owner/name=GIT_DIR (default: /work/.mirror/owner+name/repo)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--misses", choices=("mlwarden", "detect-secrets"))
    args = parser.parse_args(argv)

    sources = json.loads((HERE / "peer_sources.json").read_text())["sources"]
    snapshots = dict(s.split("=", 1) for s in args.snapshot)
    cases = list(peer_cases(sources, {k: Path(v) for k, v in snapshots.items()}, args.seed))
    if (args.out / "files").exists():
        subprocess.run(["rm", "-rf", str(args.out / "files")], check=True)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = write_cases(cases, args.out)
    run.isolate(args.out)
    tools = {
        "mlwarden": (run.mlwarden_command(args.mlwarden), run.parse_mlwarden, (0, 1)),
        "detect-secrets": (run.ds_command(args.detect_secrets), run.parse_ds, (0,)),
    }
    seconds: dict[str, list[float]] = {t: [] for t in tools}
    outputs: dict[str, str] = {}
    for _ in range(args.repeat):
        for name, (cmd, _parse, ok) in tools.items():
            took, outputs[name] = run.run_tool(cmd, args.out, ok)
            seconds[name].append(took)
    results = {n: run.score(manifest, parse(outputs[n])) for n, (_c, parse, _o) in tools.items()}
    print(summary(results) + "\n")
    print(run.report_sets(results, seconds, sorted({c["set"] for c in manifest})))
    if args.misses:
        for case in results[args.misses]:
            if case["found"] != (case["expect"] == "positive"):
                kind = "MISS" if case["expect"] == "positive" else f"FALSE ALARM {case['rules']}"
                print(f"{kind}: {case['file']} {case['rule']} ({case['source']})")
    if args.json:
        args.json.write_text(json.dumps({"seconds": seconds, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
