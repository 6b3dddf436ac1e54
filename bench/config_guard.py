"""config-guard vs zizmor (offline) on a labelled corpus of GitHub workflows.

Each case is one workflow with the problem it has (or none: a near miss). A tool
"detects" a case when it reports the matching category on that file; on a near miss any
report of that category is a false positive.

    MLWARDEN_PEER_BIN=/tmp/peers-guard/bin python bench/config_guard.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(os.environ.get("MLWARDEN_REPO", Path(__file__).resolve().parent.parent))
PEER_BIN = Path(os.environ.get("MLWARDEN_PEER_BIN", "/tmp/peers-guard/bin"))
MLWARDEN = REPO / ".venv/bin/mlwarden"

OURS = {
    "checkout": {"CFG001"},
    "injection": {"CFG002"},
    "write-all": {"CFG003"},
    "pipe": {"CFG006"},
    "secret": {"CFG005"},
}
ZIZMOR = {
    "checkout": {"dangerous-triggers"},
    "injection": {"template-injection"},
    "write-all": {"excessive-permissions"},
    "pipe": set(),
    "secret": {"overprovisioned-secrets", "secrets-inherit", "secrets-outside-env"},
}

P = "permissions:\n  contents: read\n"
STEPS = "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
CASES: list[tuple[str, str, str, bool]] = [  # name, category, workflow, is a true positive
    (
        "prt + checkout head.sha",
        "checkout",
        "on: pull_request_target\n"
        + P
        + STEPS
        + "      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n      - run: make\n",
        True,
    ),
    (
        "workflow_run + gh pr checkout",
        "checkout",
        "on: workflow_run\n" + P + STEPS + "      - run: gh pr checkout 1 && make\n",
        True,
    ),
    (
        "prt + checkout fork repository",
        "checkout",
        "on: pull_request_target\n"
        + P
        + STEPS
        + "      - uses: actions/checkout@v4\n        with:\n"
        "          repository: ${{ github.event.pull_request.head.repo.full_name }}\n",
        True,
    ),
    (
        "prt labeler, no checkout (near miss)",
        "checkout",
        "on: pull_request_target\n" + P + STEPS + "      - uses: actions/labeler@v5\n",
        False,
    ),
    (
        "pull_request + head checkout (near miss)",
        "checkout",
        "on: pull_request\n" + P + STEPS + "      - uses: actions/checkout@v4\n        with:\n"
        "          ref: ${{ github.event.pull_request.head.sha }}\n",
        False,
    ),
    (
        "title in run",
        "injection",
        "on: pull_request\n"
        + P
        + STEPS
        + '      - run: echo "${{ github.event.pull_request.title }}"\n',
        True,
    ),
    (
        "head_ref in run (Ultralytics)",
        "injection",
        "on: pull_request_target\n"
        + P
        + STEPS
        + "      - run: git checkout ${{ github.head_ref }}\n",
        True,
    ),
    (
        "comment body in github-script",
        "injection",
        "on: issue_comment\n"
        + P
        + STEPS
        + "      - uses: actions/github-script@v7\n        with:\n"
        "          script: console.log('${{ github.event.comment.body }}')\n",
        True,
    ),
    (
        "title via env (near miss)",
        "injection",
        "on: pull_request\n"
        + P
        + STEPS
        + "      - env:\n          T: ${{ github.event.pull_request.title }}\n"
        '        run: echo "$T"\n',
        False,
    ),
    (
        "PR number in run (near miss)",
        "injection",
        "on: pull_request\n"
        + P
        + STEPS
        + "      - run: echo ${{ github.event.pull_request.number }}\n",
        False,
    ),
    (
        "permissions: write-all",
        "write-all",
        "on: push\npermissions: write-all\n" + STEPS + "      - run: make\n",
        True,
    ),
    (
        "job write-all",
        "write-all",
        "on: push\n"
        + STEPS.replace("    runs-on", "    permissions: write-all\n    runs-on")
        + "      - run: make\n",
        True,
    ),
    (
        "contents: read (near miss)",
        "write-all",
        "on: push\n" + P + STEPS + "      - run: make\n",
        False,
    ),
    (
        "curl \\| bash",
        "pipe",
        "on: push\n" + P + STEPS + "      - run: curl -sSL https://get.example/i.sh | bash\n",
        True,
    ),
    (
        "bash <(curl)",
        "pipe",
        "on: push\n" + P + STEPS + "      - run: bash <(curl -s https://get.example/i.sh)\n",
        True,
    ),
    (
        "curl \\| jq (near miss)",
        "pipe",
        "on: push\n" + P + STEPS + "      - run: curl -s https://api.example | jq .x\n",
        False,
    ),
    (
        "echo secret",
        "secret",
        "on: push\n" + P + STEPS + "      - run: echo ${{ secrets.HF_TOKEN }}\n",
        True,
    ),
    (
        "toJSON(secrets)",
        "secret",
        "on: push\n" + P + STEPS + "      - run: echo '${{ toJSON(secrets) }}' > s.json\n",
        True,
    ),
    (
        "docker login --password-stdin (near miss)",
        "secret",
        "on: push\n"
        + P
        + STEPS
        + '      - run: echo "${{ secrets.PAT }}" | docker login -u x --password-stdin\n',
        False,
    ),
]


def ours(folder: Path, name: str) -> set[str]:
    done = subprocess.run(
        [
            str(MLWARDEN),
            "scan",
            "--hook",
            "config-guard",
            "--format",
            "json",
            f".github/workflows/{name}",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    return {f["rule_id"] for f in json.loads(done.stdout)["findings"]}


def zizmor(folder: Path, name: str) -> set[str]:
    done = subprocess.run(
        [
            str(PEER_BIN / "zizmor"),
            "--offline",
            "--no-progress",
            "--format",
            "json",
            f".github/workflows/{name}",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    return {f["ident"] for f in json.loads(done.stdout or "[]")}


def main() -> int:
    have_zizmor = (PEER_BIN / "zizmor").exists()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
        (folder / ".mlwarden.toml").write_text("[config-guard]\nzizmor = false\n")
        wf = folder / ".github" / "workflows"
        wf.mkdir(parents=True)
        for i, (_, _, text, _) in enumerate(CASES):
            (wf / f"c{i:02d}.yml").write_text(text)
        print("| case | expected | config-guard | zizmor --offline |")
        print("|---|---|---|---|")
        score = {"ours": [0, 0, 0, 0], "zizmor": [0, 0, 0, 0]}  # tp, fn, fp, tn
        for i, (name, cat, _, positive) in enumerate(CASES):
            cells = []
            for tool, found, wanted in (
                ("ours", ours(folder, f"c{i:02d}.yml"), OURS[cat]),
                ("zizmor", zizmor(folder, f"c{i:02d}.yml") if have_zizmor else set(), ZIZMOR[cat]),
            ):
                hit = bool(found & wanted)
                index = (0 if hit else 1) if positive else (2 if hit else 3)
                score[tool][index] += 1
                cells.append(("flagged" if hit else "-") + (" ✓" if hit == positive else " ✗"))
            print(f"| {name} | {'flag' if positive else 'pass'} | {cells[0]} | {cells[1]} |")
        for tool in ("ours", "zizmor"):
            tp, fn, fp, tn = score[tool]
            print(f"{tool}: {tp}/{tp + fn} detected, {fp}/{fp + tn} false positives")
        start = time.perf_counter()
        subprocess.run(
            [str(MLWARDEN), "scan", "--hook", "config-guard", ".github/workflows"],
            cwd=folder,
            capture_output=True,
        )
        ours_time = time.perf_counter() - start
        print(
            f"time for all {len(CASES)} workflows: config-guard {ours_time * 1000:.0f} ms", end=""
        )
        if have_zizmor:
            start = time.perf_counter()
            subprocess.run(
                [
                    str(PEER_BIN / "zizmor"),
                    "--offline",
                    "--no-progress",
                    "--format",
                    "json",
                    ".github/workflows",
                ],
                cwd=folder,
                capture_output=True,
            )
            print(f", zizmor {(time.perf_counter() - start) * 1000:.0f} ms")
        else:
            print(" (zizmor not installed: skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
