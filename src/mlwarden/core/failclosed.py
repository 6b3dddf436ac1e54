"""Fail closed: what mlwarden cannot judge is a finding, never a pass.

A file that could carry code or credentials and cannot be judged (it cannot be read, it
is over a bound no hook can work within, its Git LFS object is not here) gets one of
these findings. They fail the run like any other finding of their severity and, like any
other, can be suppressed per path when a maintainer decides to: `[tool.mlwarden]
disable`, a hook's `exclude`, or `mlwarden baseline` for known cases.
"""

from __future__ import annotations

from mlwarden.core.findings import Confidence, Finding, Severity
from mlwarden.core.rules import Rule, RuleDoc
from mlwarden.core.sources import Source

UNREADABLE = Rule(
    id="MLW002",
    slug="unreadable-file",
    hook="core",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A file mlwarden could not read (permission denied, I/O error) was not judged.",
    doc=RuleDoc(
        what=(
            "Reported for every file selected for a scan whose bytes could not be read: a "
            "permission-denied file, a folder that cannot be listed, an I/O error."
        ),
        why=(
            "A file nobody could read was not checked for keys, pickles or unsafe code. A "
            "security gate that passes what it did not look at is the easiest bypass there "
            "is: make the file unreadable to the hook's user."
        ),
        example="chmod 000 .env && git add .env   # the hooks cannot read it",
        instead="chmod 644 .env   # or exclude the path on purpose in [tool.mlwarden]",
        references=("https://cwe.mitre.org/data/definitions/636.html",),
    ),
    cwe=(636,),
)

TOO_LARGE = Rule(
    id="MLW003",
    slug="too-large-to-judge",
    hook="core",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A file is over the bound a hook can judge within (`max-file-size`).",
    doc=RuleDoc(
        what=(
            "Streaming hooks (secrets, models) judge files of any size in bounded memory. "
            "Hooks that must parse a whole file (semgrep and bandit on Python, pins and "
            "config-guard on manifests) judge it up to `max-file-size` (5 MiB by default; a "
            "notebook counts only its sources and text outputs, not its images). Over that, "
            "the file gets this finding instead of a silent skip."
        ),
        why=("Padding a file past a scanner's size limit is a known way to slip code past it."),
        example="generated_model_code.py   # 12 MB of Python",
        instead=("[tool.mlwarden]\nmax-file-size = 20_000_000   # or exclude the generated file"),
        references=("https://cwe.mitre.org/data/definitions/636.html",),
    ),
    cwe=(636,),
)

LFS_MISSING = Rule(
    id="MLW004",
    slug="lfs-object-missing",
    hook="core",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A Git LFS pointer whose object is not in the local LFS store was not judged.",
    doc=RuleDoc(
        what=(
            "A file stored through Git LFS is judged by the object its pointer names, read "
            "from the repository's LFS store (`.git/lfs/objects`). When the object was never "
            "fetched (a checkout without smudging, `GIT_LFS_SKIP_SMUDGE=1`, CI's "
            "`actions/checkout` without `lfs: true`), the file cannot be judged."
        ),
        why=(
            "Model weights live in LFS. Judging the pointer text instead of the weights "
            "would pass a malicious pickle without a word."
        ),
        example="models/model.pt   # an LFS pointer, object not fetched",
        instead=(
            "git lfs pull            # or: actions/checkout with `lfs: true`\n"
            '# CI that skips LFS on purpose: [tool.mlwarden] lfs = "skip-missing"'
        ),
        references=("https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md",),
    ),
    cwe=(636,),
)

RULES: tuple[Rule, ...] = (UNREADABLE, TOO_LARGE, LFS_MISSING)


def unreadable(source: Source, reason: str, hook: str | None = None) -> Finding:
    by = f" by {hook}" if hook else ""
    return source.finding(
        UNREADABLE,
        f"could not be read{by} ({reason}), so it was not judged: make it readable, or "
        "exclude it on purpose",
        identity=(hook or "",),
    )


def too_large(source: Source, size: int, bound: int, hook: str) -> Finding:
    return source.finding(
        TOO_LARGE,
        f"{size} bytes is over what {hook} judges ({bound} bytes, `max-file-size`), so {hook} "
        "did not judge it: raise max-file-size, or exclude the file on purpose",
        identity=(hook,),
    )


def lfs_missing(source: Source, oid: str) -> Finding:
    return source.finding(
        LFS_MISSING,
        f"Git LFS pointer to {oid[:12]}…, whose object is not in the local LFS store, so "
        "the file was not judged: run `git lfs pull` (CI: `actions/checkout` with "
        '`lfs: true`), or set `lfs = "skip-missing"` in [tool.mlwarden] to skip on purpose',
        identity=(oid,),
    )
