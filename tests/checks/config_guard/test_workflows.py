"""config-guard on CI workflows: each rule's true positive and its near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks import config_guard
from tests.checks.config_guard.helpers import ids, scan, write

WF = ".github/workflows/ci.yml"
PERMS = "permissions:\n  contents: read\n"


def check(repo: Path, mp: pytest.MonkeyPatch, text: str, path: str = WF) -> list[tuple[str, int]]:
    write(repo, path, text)
    result = scan(repo, mp, path)
    assert result.errors == ()
    return [(rule, line) for rule, _, line in ids(result)]


def test_rules_declared() -> None:
    assert [r.id for r in config_guard.HOOK.rules()] == [f"CFG{n:03d}" for n in range(1, 15)]
    assert all(r.hook == "config-guard" for r in config_guard.HOOK.rules())


PWN = """\
on:
  pull_request_target:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make test
        env:
          TOKEN: ${{ secrets.PYPI_TOKEN }}
"""


def test_pull_request_target_with_pr_checkout(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert check(git_repo, monkeypatch, PWN) == [("CFG001", 11), ("CFG005", 12)]


def test_pull_request_target_without_pr_checkout_is_fine(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = PWN.replace(
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n", ""
    )
    assert check(git_repo, monkeypatch, text) == []
    # The same checkout under `pull_request` runs without secrets: fine.
    assert check(git_repo, monkeypatch, PWN.replace("pull_request_target", "pull_request")) == []


def test_workflow_run_with_gh_pr_checkout(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "on: [workflow_run]\n" + PERMS + "jobs:\n  a:\n    steps:\n"
        "      - run: gh pr checkout ${{ github.event.workflow_run.pull_requests[0].id }}\n"
    )
    assert check(git_repo, monkeypatch, text) == [("CFG001", 7)]


INJECT = """\
on: pull_request
permissions: {}
jobs:
  build:
    steps:
      - run: |
          echo "building"
          echo "${{ github.event.pull_request.title }}"
          git checkout ${{ github.head_ref }}
      - run: echo ${{ github.event.pull_request.number }} ${{ github.event.pull_request.head.sha }}
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "$TITLE"
      - uses: actions/github-script@v7
        with:
          script: console.log("${{ github.event.issue.body }}")
"""


def test_expression_injection_in_run(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Numbers, shas and values passed through env: are the near misses (lines 10-13).
    assert check(git_repo, monkeypatch, INJECT) == [("CFG002", 8), ("CFG002", 9), ("CFG002", 16)]


def test_injection_column_and_message(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(git_repo, WF, INJECT)
    finding = next(f for f in scan(git_repo, monkeypatch, WF).findings if f.location.line == 9)
    assert finding.location.column == 28  # where the expression starts in the file
    assert "`github.head_ref`" in finding.message and "env:" in finding.message


def test_write_all_and_missing_permissions(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: x\n"
    assert check(git_repo, monkeypatch, text) == [("CFG003", 2)]
    text = "on: push\njobs:\n  a:\n    permissions: write-all\n  b:\n    runs-on: x\n"
    assert check(git_repo, monkeypatch, text) == [("CFG003", 4), ("CFG004", 2)]
    text = "on: push\njobs:\n  a:\n    permissions:\n      contents: read\n"
    assert check(git_repo, monkeypatch, text) == []  # every job has its own block
    write(git_repo, WF, "on: push\njobs:\n  a:\n    runs-on: x\n")
    options = config_guard.Options(workflow_permissions_required=False)
    assert ids(scan(git_repo, monkeypatch, WF, options=options)) == []


def test_secrets_echoed(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "on: push\n" + PERMS + "jobs:\n  a:\n    steps:\n"
        "      - run: echo ${{ secrets.HF_TOKEN }}\n"  # 7
        '      - run: echo "${{ secrets.PAT }}" | docker login --password-stdin\n'  # ok
        '      - run: echo "$API_TOKEN"\n'  # 9
        "      - run: echo '${{ toJSON(secrets) }}' > /tmp/x\n"  # 10
        '      - run: echo "$TOKEN_COUNT tokens" > out.txt\n'
    )  # ok
    assert check(git_repo, monkeypatch, text) == [("CFG005", 7), ("CFG005", 9), ("CFG005", 10)]


def test_pipe_to_shell(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "on: push\n" + PERMS + "jobs:\n  a:\n    steps:\n"
        "      - run: curl -sSL https://x.example/i.sh | bash\n"  # 7
        '      - run: sh -c "$(wget -qO- https://x.example/i.sh)"\n'  # 8
        "      - run: curl -sSLo i.sh https://x.example/i.sh && sha256sum -c i.sum\n"
        "      - run: curl -s https://api.example/x | jq .name\n"
    )
    assert check(git_repo, monkeypatch, text) == [("CFG006", 7), ("CFG006", 8)]


def test_gitlab_ci(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "stages: [build]\nbuild:\n  script:\n"
        "    - curl https://x.example/setup | sh\n"  # 4
        "    - echo $CI_JOB_TOKEN\n"  # 5
        '    - echo "$CI_COMMIT_MESSAGE"\n'  # ok: not a secret
        "    - pip install -r requirements.txt\n"
    )
    assert check(git_repo, monkeypatch, text, ".gitlab-ci.yml") == [("CFG005", 5), ("CFG006", 4)]


def test_malformed_workflow_yaml_is_a_clean_error(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(git_repo, WF, "on: push\njobs:\n  a: [unclosed\n")
    write(git_repo, ".github/workflows/ok.yml", "on: push\n" + PERMS + "jobs: {}\n")
    write(git_repo, ".github/workflows/list.yml", "- just\n- a list\n")
    result = scan(
        git_repo, monkeypatch, WF, ".github/workflows/ok.yml", ".github/workflows/list.yml"
    )
    assert result.findings == ()
    # The wording between comes from PyYAML or libyaml, whichever parsed it.
    assert [e.path for e in result.errors] == [WF]
    assert result.errors[0].message.startswith("invalid YAML at line 4: ")
    assert result.errors[0].message.endswith("; not checked")


def test_files_it_does_not_watch_are_ignored(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(git_repo, "docs/ci.yml", "on: pull_request_target\npermissions: write-all\n")
    write(git_repo, "src/app.py", "import os\n")
    assert ids(scan(git_repo, monkeypatch, "docs/ci.yml", "src/app.py")) == []


def test_checkout_of_the_fork_repository(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "on: pull_request_target\n" + PERMS + "jobs:\n  a:\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with:\n"
        "          repository: ${{ github.event.pull_request.head.repo.full_name }}\n"
    )
    assert check(git_repo, monkeypatch, text) == [("CFG001", 9)]


def test_composite_action(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "name: setup\nruns:\n  using: composite\n  steps:\n"
        "    - run: echo ${{ github.event.comment.body }}\n      shell: bash\n"
        "    - run: echo ${{ inputs.version }}\n      shell: bash\n"
    )
    assert check(git_repo, monkeypatch, text, "actions/setup/action.yml") == [("CFG002", 5)]


UNSAFE_ENV = "    env:\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n"
CHECKOUT_JOB = (
    "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
)


def test_zizmor_findings_are_merged_when_installed(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real zizmor (a test dependency): its audits that ours do not cover are merged
    as CFG013; the ones we cover (template-injection...) are dropped, and so are its
    low-confidence guesses and hardening notes (`artipacked` on a plain checkout)."""
    steps = (
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    env:\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: true\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    )
    write(git_repo, WF, "on: push\n" + PERMS + steps)
    result = scan(git_repo, monkeypatch, WF, zizmor=True)
    assert [
        (f.rule_id, f.location.path, f.location.line, f.severity.label) for f in result.findings
    ] == [("CFG013", WF, 7, "high")]
    assert result.findings[0].message.startswith("zizmor insecure-commands: ")
    assert scan(git_repo, monkeypatch, WF, zizmor=False).findings == ()


def test_zizmor_low_confidence_and_informational_audits_are_not_merged(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # artipacked (low confidence) on the checkout; nothing else to say about this workflow.
    write(git_repo, WF, "on: push\n" + PERMS + CHECKOUT_JOB)
    assert scan(git_repo, monkeypatch, WF, zizmor=True).findings == ()


def test_a_workflow_zizmor_rejects_is_its_error_and_the_others_are_audited(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = (
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
    )
    write(
        git_repo, WF, "on: push\n" + PERMS + steps.replace("    steps:", UNSAFE_ENV + "    steps:")
    )
    other = ".github/workflows/odd.yml"
    write(git_repo, other, "on: push\n" + PERMS + "jobs:\n  a:\n    steps: notalist\n")
    result = scan(git_repo, monkeypatch, WF, other, zizmor=True)
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("CFG013", WF)]
    assert [(e.path, e.message.split(":")[0]) for e in result.errors] == [
        (other, "zizmor could not audit it")
    ]


ENV_INDIRECTION = """\
on: issues
permissions: {}
env:
  TITLE: ${{ github.event.issue.title }}
jobs:
  triage:
    env:
      BODY: ${{ github.event.issue.body }}
      NUMBER: ${{ github.event.issue.number }}
    steps:
      - run: echo "${{ env.TITLE }}"
      - run: echo "${{ env.BODY }}" "${{ env.NUMBER }}"
      - run: echo "$TITLE" "$BODY"
      - env:
          LABEL: ${{ github.event.label.name }}
        run: gh issue edit --add-label "${{ env.LABEL }}"
      - env:
          TITLE: fixed text
        run: echo "${{ env.TITLE }}"
"""


def test_injection_through_env_indirection(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Workflow, job and step `env:` carry the event field into `${{ env.X }}` (lines 11, 12,
    # 16); the shell variables, a number, and a variable set again from text are near misses.
    assert check(git_repo, monkeypatch, ENV_INDIRECTION) == [
        ("CFG002", 11),
        ("CFG002", 12),
        ("CFG002", 16),
    ]
    write(git_repo, WF, ENV_INDIRECTION)
    finding = next(f for f in scan(git_repo, monkeypatch, WF).findings if f.location.line == 11)
    assert "`env.TITLE` (set from `github.event.issue.title`)" in finding.message
    assert "use the shell variable `$TITLE`" in finding.message


def test_composite_action_env_indirection(git_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "runs:\n  using: composite\n  steps:\n"
        "    - env:\n        REF: ${{ github.head_ref }}\n"
        '      run: git fetch origin "${{ env.REF }}"\n      shell: bash\n'
        '    - env:\n        REF: ${{ github.head_ref }}\n      run: git fetch origin "$REF"\n'
    )
    assert check(git_repo, monkeypatch, text, "actions/fetch/action.yml") == [("CFG002", 6)]


DISPATCH = """\
on:
  workflow_dispatch:
    inputs:
      version:
        type: string
permissions: {}
jobs:
  release:
    steps:
      - run: ./hack/update-version.sh ${{ github.event.inputs.version }}
      - run: ./hack/update-version.sh ${{ inputs.version }}
"""


def test_workflow_dispatch_inputs_are_set_by_maintainers(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only users with write access can dispatch a workflow: both spellings are near misses.
    assert check(git_repo, monkeypatch, DISPATCH) == []


REUSABLE = """\
on:
  workflow_call:
    inputs:
      title:
        type: string
      dry-run:
        type: boolean
      notes:
        required: false
permissions: {}
jobs:
  comment:
    steps:
      - run: echo "${{ inputs.title }}"
      - run: echo "${{ inputs.dry-run }}"
      - run: echo "${{ inputs.notes }}" "${{ github.event.inputs.title }}"
"""


def test_reusable_workflow_string_inputs_come_from_the_caller(
    git_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A caller may pass `github.event.pull_request.title` as `title`: string inputs (typed
    # or not) are tainted; a boolean cannot carry shell syntax.
    assert check(git_repo, monkeypatch, REUSABLE) == [("CFG002", 14), ("CFG002", 16)]
