"""The suite benchmark's pure parts (bench/suite*.py) on tiny inputs: no download, no peer run."""

from __future__ import annotations

import io
import json
import sys
import tarfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

# Appended, not prepended: bench/ also holds scripts named like stdlib modules (secrets.py).
sys.path.append(str(REPO_ROOT / "bench"))

import suite
import suite_corpus
import suite_measure
import suite_parse
import suite_precommit

DETECT_SECRETS_OUTPUT = """\
ERROR: Potential secrets about to be committed to git repo!

Secret Type: AWS Access Key
Location:    a.py:1

Secret Type: Secret Keyword
Location:    conf/dir with space/b.py:20

Possible mitigations:
  - Mark false positives with an inline `pragma: allowlist secret` comment
"""

PRE_COMMIT_OUTPUT = """\
mlwarden secrets.........................................................Passed
- hook id: mlwarden-secrets
- duration: 1.04s
mlwarden bandit..........................................................Failed
- hook id: mlwarden-bandit
- duration: 4.88s
- exit code: 1

src/a.py:3:1: B301 [medium] pickle.load on untrusted data: use safetensors
src/b.py:10:5: B614 [medium] torch.load without weights_only=True

src/c.py:1:1: B301 [medium] pickle.load on untrusted data: use safetensors
mlwarden models..........................................................Failed
- hook id: mlwarden-models
- duration: 0.21s
- exit code: 1

python: No module named mlwarden.checks.models.__main__
mlwarden pins........................................(no files to check)Skipped
- hook id: mlwarden-pins
"""


def finding(hook: str, path: str, line: int, rule: str = "X001") -> dict[str, object]:
    return {"hook": hook, "path": path, "line": line, "column": 1, "rule_id": rule}


def test_mlwarden_json_counts_findings_per_hook_including_silent_hooks() -> None:
    envelope = {
        "version": 1,
        "tool": {"name": "mlwarden", "hooks": ["secrets", "bandit"]},
        "findings": [finding("bandit", "a.py", 1), finding("bandit", "b.py", 2)],
        "errors": [{"path": "x.bin", "message": "binary", "hook": "secrets"}],
    }
    found, findings = suite_parse.parse_mlwarden_json(json.dumps(envelope))
    assert found == suite_parse.ToolFindings(2, {"secrets": 0, "bandit": 2}, 1)
    assert [f["path"] for f in findings] == ["a.py", "b.py"]


def test_detect_secrets_hook_output_is_counted_per_secret_type() -> None:
    found = suite_parse.parse_detect_secrets_hook(DETECT_SECRETS_OUTPUT)
    assert found == suite_parse.ToolFindings(2, {"AWS Access Key": 1, "Secret Keyword": 1})
    assert suite_parse.parse_detect_secrets_hook("") == suite_parse.ToolFindings(0, {})


def test_bandit_and_semgrep_json_are_counted_by_rule() -> None:
    bandit = {"results": [{"test_id": "B301"}, {"test_id": "B301"}, {"test_id": "B614"}]}
    assert suite_parse.parse_bandit_json(json.dumps(bandit)) == suite_parse.ToolFindings(
        3, {"B301": 2, "B614": 1}
    )
    semgrep = {
        "results": [{"check_id": "work.main.semgrep-rules.deserialization.SG001"}],
        "errors": [{"message": "parse error"}],
    }
    assert suite_parse.parse_semgrep_json(json.dumps(semgrep)) == suite_parse.ToolFindings(
        1, {"SG001": 1}, 1
    )


def test_pre_commit_verbose_output_gives_status_time_and_findings_per_hook() -> None:
    hooks = suite_parse.parse_pre_commit_output(PRE_COMMIT_OUTPUT)
    assert hooks == [
        suite_parse.PreCommitHook("mlwarden secrets", "Passed", "mlwarden-secrets", 0, 1.04),
        suite_parse.PreCommitHook("mlwarden bandit", "Failed", "mlwarden-bandit", 3, 4.88, 1),
        suite_parse.PreCommitHook("mlwarden models", "Failed", "mlwarden-models", 0, 0.21, 1),
        suite_parse.PreCommitHook("mlwarden pins", "Skipped", "mlwarden-pins"),
    ]
    # A hook that failed without a finding line broke; the table must not show a clean 0.
    assert suite_parse.pre_commit_cell(0, "Failed") == "0 (failed)"
    assert suite_parse.pre_commit_cell(3, "Failed") == "3"


def tree_result(name: str, seconds: dict[str, float | None]) -> dict[str, object]:
    tools = {
        tool: {"median_seconds": value, "peak_rss_kib": 204800 if value else None}
        for tool, value in seconds.items()
    }
    tools["mlwarden-scan"]["findings"] = {
        "total": 3,
        "by_key": {"secrets": 1, "bandit": 2},
        "errors": 0,
    }
    tools["pre-commit"]["per_hook"] = {"mlwarden-secrets": 1, "mlwarden-bandit": 0}
    tools["pre-commit"]["status"] = {"mlwarden-secrets": "Failed", "mlwarden-bandit": "Failed"}
    tools["bandit"]["findings"] = {"total": 40, "by_key": {}, "errors": 0}
    return {"name": name, "files": 10, "py_files": 7, "repeat": 3, "tools": tools}


def test_tables_show_ratios_against_the_sum_of_the_peers() -> None:
    good = tree_result(
        "pkg-1.0",
        {
            "mlwarden-scan": 3.0,
            "pre-commit": 8.0,
            "detect-secrets": 2.0,
            "bandit": 3.0,
            "semgrep": 5.0,
        },
    )
    partial = tree_result(
        "other-2.0",
        {"mlwarden-scan": 1.0, "pre-commit": 1.0, "detect-secrets": 1.0, "bandit": 1.0},
    )
    partial["tools"]["semgrep"] = {"failed": "exit 2"}  # type: ignore[index]
    table = suite_parse.time_table([good, partial], 0.7)
    lines = table.splitlines()
    assert lines[0].startswith("| tree | files | .py | runs | mlwarden scan |")
    assert lines[2] == (
        "| pkg-1.0 | 10 | 7 | 3 | 3.00 s | 8.00 s | 2.00 s | 3.00 s | 5.00 s | 10.0 s "
        "| 0.30 ✓ | 0.80 ✗ |"
    )
    # A peer that did not run makes the sum unknown, not smaller.
    assert lines[3].endswith("| — | — | — | — |")
    memory = suite_parse.memory_table([good]).splitlines()[2]
    assert memory == "| pkg-1.0 | 200 MB | 200 MB | 200 MB | 200 MB | 200 MB | 200 MB |"
    findings = suite_parse.findings_table([good]).splitlines()
    assert findings[0] == (
        "| tree | mlwarden secrets | mlwarden bandit | mlwarden errors "
        "| detect-secrets | bandit | semgrep |"
    )
    assert findings[2] == "| pkg-1.0 | 1 / 1 | 2 / 0 (failed) | 0 | — | 40 | — |"
    good["tools"]["pre-commit"]["hook_seconds"] = {"mlwarden-secrets": 1.5, "mlwarden-pins": None}  # type: ignore[index]
    hook_times = suite_parse.hook_time_table([good]).splitlines()
    assert hook_times[0] == "| tree | mlwarden-secrets | mlwarden-pins |"
    assert hook_times[2] == "| pkg-1.0 | 1.50 s | — |"


def test_report_markdown_names_the_machine_and_the_skipped_packages() -> None:
    results = {
        "repeat": 3,
        "trees": [],
        "machine": {"cpus": 2, "load_before": 1.5, "load_after": 3.0},
        "hooks": ["secrets"],
        "mlwarden_version": "0.1.0",
        "skipped": [{"package": "lightning", "reason": "sdist: no matching distribution"}],
    }
    text = suite_parse.report_markdown(results)
    assert "median of 3 runs" in text
    assert "2 CPUs, load average 1.5 before and 3.0 after" in text
    assert "Skipped: lightning (sdist: no matching distribution)" in text


def test_sample_is_reproducible_capped_per_hook_and_complete_when_small() -> None:
    findings = [finding("bandit", f"f{i}.py", i) for i in range(1, 51)]
    findings += [finding("secrets", "s.py", 3), finding("secrets", "a.py", 9)]
    first = suite_parse.sample_findings(findings, 5, seed=1)
    assert first == suite_parse.sample_findings(list(reversed(findings)), 5, seed=1)
    assert len(first["bandit"]) == 5
    assert [f["path"] for f in first["secrets"]] == ["a.py", "s.py"]
    assert first != suite_parse.sample_findings(findings, 5, seed=2)


def test_count_by_lists_the_most_frequent_first() -> None:
    findings = [finding("b", "a.py", 1, "B2"), finding("b", "a.py", 2, "B1")]
    findings.append(finding("b", "a.py", 3, "B2"))
    assert list(suite_parse.count_by(findings, "rule_id").items()) == [("B2", 2), ("B1", 1)]


def test_render_sample_shows_the_source_line_and_a_verdict_slot() -> None:
    findings = [{**finding("secrets", "a.py", 2, "SEC001"), "tree": "pkg-1.0"}]
    text = suite.render_sample(
        findings, {("pkg-1.0", "a.py"): ["x = 1", "  key = 'hf_abc'  "]}, 30, 7
    )
    assert "## secrets: 1 of 1 findings" in text and "By rule: SEC001 1" in text
    assert "`SEC001`" in text and "pkg-1.0: `a.py:2`" in text
    assert "> `key = 'hf_abc'`" in text and "verdict:" in text
    assert suite_parse.source_line(["a"], 2) == ""
    assert suite_parse.source_line(["a" * 200], 1).endswith("...")


def test_local_pre_commit_hooks_mirror_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "mlwarden-secrets").write_text("#!/bin/sh\n")
    manifest = [
        {
            "id": "mlwarden-secrets",
            "name": "mlwarden secrets",
            "entry": "mlwarden-secrets",
            "language": "python",
            "types": ["text"],
            "require_serial": True,
            "minimum_pre_commit_version": "3.2.0",
        },
        {
            "id": "mlwarden-models",
            "name": "m",
            "entry": "mlwarden-models --x",
            "language": "python",
        },
        {"id": "mlwarden-semgrep", "name": "s", "entry": "mlwarden-semgrep", "language": "python"},
        {
            "id": "mlwarden-branch-guard-push",
            "name": "b",
            "entry": "mlwarden-branch-guard",
            "language": "python",
            "stages": ["pre-push"],
        },
    ]
    modules = {"secrets": "mlwarden.checks.secrets", "models": "mlwarden.checks.models"}
    hooks = suite_precommit.local_hooks(manifest, modules, tmp_path, "/py")
    assert hooks == [
        {
            "id": "mlwarden-secrets",
            "name": "mlwarden secrets",
            "types": ["text"],
            "require_serial": True,
            "entry": str(tmp_path / "mlwarden-secrets"),
            "language": "system",
        },
        {
            "id": "mlwarden-models",
            "name": "m",
            "entry": '/py -c "import sys; from mlwarden.checks.models import main; '
            'sys.exit(main())" --x',
            "language": "system",
        },
    ]
    fallback = suite_precommit.local_hooks(
        None, {"models": "mlwarden.checks.models"}, tmp_path, "/py"
    )
    assert [h["id"] for h in fallback] == ["mlwarden-models"]
    config = suite_precommit.remote_config("/src/mlwarden", "abc123", manifest, modules)
    assert "rev: abc123" in config and "id: mlwarden-models" in config
    # Hooks not built yet, and the pre-push stage, are left out.
    assert "mlwarden-semgrep" not in config and "mlwarden-branch-guard-push" not in config


def test_corpus_names_and_a_local_archive_become_a_git_tree(tmp_path: Path) -> None:
    assert suite_corpus.project_name("scikit-learn==1.5.0") == "scikit-learn"
    assert suite_corpus.project_name("transformers[torch]>=4") == "transformers"
    assert suite_corpus.archive_stem("accelerate-1.15.0.tar.gz") == "accelerate-1.15.0"
    assert (
        suite_corpus.archive_stem("scikit_learn-1.7.2-cp311-cp311-manylinux_x86_64.whl")
        == "scikit_learn-1.7.2"
    )
    archive = tmp_path / "dist" / "demo" / "demo-0.1.tar.gz"
    archive.parent.mkdir(parents=True)
    with tarfile.open(archive, "w:gz") as tarred:
        for name, body in {
            "demo-0.1/demo/__init__.py": b"x = 1\ny = 2\n",
            "demo-0.1/README": b"hi",
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tarred.addfile(info, io.BytesIO(body))
    tree = suite_corpus.make_git_tree(archive, tmp_path / "trees")
    assert (tree.name, tree.files, tree.py_files, tree.py_lines) == ("demo-0.1", 2, 1, 2)
    assert suite_corpus.tracked_files(tree.path) == ["README", "demo/__init__.py"]
    # The cache answers a pinned spec without pip; a missing version is an error, not a guess.
    assert suite_corpus.download("demo==0.1", tmp_path) == archive
    with pytest.raises(suite_corpus.CorpusError):
        suite_corpus._pick([archive], "demo==0.2")


def test_measure_reports_exit_code_memory_and_timeout(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin"}
    out, err = tmp_path / "out", tmp_path / "err"
    grown = suite_measure.measure(
        [
            sys.executable,
            "-c",
            "b = bytearray(64 * 1024 * 1024); print(len(b)); raise SystemExit(3)",
        ],
        cwd=tmp_path,
        env=env,
        stdout=out,
        stderr=err,
        timeout=60,
    )
    assert grown.returncode == 3 and not grown.timed_out
    assert grown.peak_rss_kib >= 64 * 1024
    assert out.read_text().strip() == str(64 * 1024 * 1024)
    slow = suite_measure.measure(
        ["sleep", "30"], cwd=tmp_path, env=env, stdout=out, stderr=err, timeout=0.3
    )
    assert slow.timed_out and slow.returncode < 0


def test_saved_results_merge_tools_in_order_with_later_runs_replacing_earlier_ones() -> None:
    first = {
        "repeat": 3,
        "trees": [
            {"name": "a-1", "repeat": 3, "tools": {"bandit": {"n": 1}}},
            {"name": "b-1", "repeat": 3, "tools": {"bandit": {"n": 1}, "semgrep": {"n": 1}}},
        ],
        "skipped": [{"package": "c", "reason": "x"}],
        "machine": {"cpus": 2, "load_before": 1.0, "load_after": 2.0},
    }
    second = {
        "repeat": 1,
        "trees": [{"name": "b-1", "repeat": 1, "tools": {"semgrep": {"n": 2}}}],
        "skipped": [],
        "machine": {"cpus": 2, "load_before": 5.0, "load_after": 6.0},
    }
    merged = suite.merge_results([first, second])
    assert merged["trees"] == [
        {"name": "a-1", "repeat": 3, "tools": {"bandit": {"n": 1}}},
        {"name": "b-1", "repeat": "1 or 3", "tools": {"bandit": {"n": 1}, "semgrep": {"n": 2}}},
    ]
    assert first["trees"][1]["tools"]["semgrep"] == {"n": 1}  # inputs are not changed
    assert merged["repeat"] == "1 or 3"
    assert merged["machine"] == {"cpus": 2, "load_before": 1.0, "load_after": 6.0}
    assert merged["skipped"] == [{"package": "c", "reason": "x"}]
