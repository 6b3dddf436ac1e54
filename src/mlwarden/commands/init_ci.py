"""`mlwarden init --ci github`: a workflow that scans every push and pull request and sends
the findings to GitHub code scanning.

Every action is pinned by full commit SHA (mlwarden's own pins hook refuses tags): with
`--repo https://github.com/OWNER/NAME --rev <commit>` the workflow uses mlwarden's composite
action at that commit; otherwise it runs the same steps inline, installing
`mlwarden==<this version>` from the package index.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mlwarden import __version__

WORKFLOW = ".github/workflows/mlwarden.yml"
# Commits of release tags, read from each action's repository (the comment names the tag).
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1"
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97  # v7.0.0"
UPLOAD_SARIF = (
    "github/codeql-action/upload-sarif@8aad20d150bbac5944a9f9d289da16a4b0d87c1e  # v4.36.2"
)
_GITHUB = re.compile(r"^https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$")
_SHA = re.compile(r"^[0-9a-f]{40}$")

_HEAD = """\
# mlwarden on every push to main and every pull request; findings go to code scanning.
name: mlwarden
on:
  push:
    branches: [main]
  pull_request:
permissions: {}
jobs:
  mlwarden:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: read
      security-events: write  # upload SARIF to code scanning
    steps:
      - uses: %(checkout)s
        with:
          persist-credentials: false
"""
_WITH_ACTION = """\
      - uses: %(action)s
        with:
          paths: .
"""
_INLINE = """\
      - uses: %(setup_python)s
        with:
          python-version: "3.12"
      - name: install mlwarden
        run: python -m pip install "mlwarden==%(version)s"
      - name: scan
        id: scan
        run: mlwarden scan --no-progress --format sarif --output mlwarden.sarif .
      - name: upload SARIF
        if: ${{ !cancelled() && hashFiles('mlwarden.sarif') != '' }}
        uses: %(upload)s
        with:
          sarif_file: mlwarden.sarif
          category: mlwarden
"""
_AUDIT = """\
  # Every published advisory of the locked dependencies (network); mlwarden stays offline.
  # pip-audit:
  #   runs-on: ubuntu-24.04
  #   permissions:
  #     contents: read
  #   steps:
  #     - uses: %(checkout)s
  #       with:
  #         persist-credentials: false
  #     - run: pipx run pip-audit -r requirements.txt
"""


def action_ref(repo_url: str | None, rev: str) -> str | None:
    """`OWNER/NAME@<sha>` when the hooks come from GitHub at a full commit SHA."""
    match = _GITHUB.match(repo_url or "")
    if not match or not _SHA.match(rev):
        return None
    return f"{match.group(1)}@{rev}  # mlwarden v{__version__}"


def render(repo_url: str | None, rev: str) -> str:
    values = {
        "checkout": CHECKOUT,
        "setup_python": SETUP_PYTHON,
        "upload": UPLOAD_SARIF,
        "version": __version__,
        "action": action_ref(repo_url, rev) or "",
    }
    body = _WITH_ACTION if values["action"] else _INLINE
    return (_HEAD + body + _AUDIT) % values


def write_workflow(root: Path, repo_url: str | None, rev: str) -> None:
    path = root / WORKFLOW
    text = render(repo_url, rev)
    yaml.safe_load(text)  # a template bug must fail here, not in the user's CI
    if path.exists():
        same = path.read_text(encoding="utf-8", errors="replace") == text
        state = "it is current" if same else "it exists; compare with `mlwarden init --ci github`"
        print(f"{WORKFLOW}: left unchanged, {state}")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
    how = "mlwarden's action" if action_ref(repo_url, rev) else f"mlwarden=={__version__}"
    print(f"{WORKFLOW}: created ({how}, SARIF to code scanning, actions pinned by commit)")
    if repo_url and not action_ref(repo_url, rev):
        print(
            f"  to use the composite action instead, run `mlwarden init --ci github --repo "
            f"{repo_url} --rev <commit SHA of v{__version__}>` (actions must be pinned by SHA)"
        )
