"""The ML rule pack itself: metadata, offline validation, `semgrep --test`, engine parity."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mlwarden.checks import semgrep
from mlwarden.checks.semgrep import pack as semgrep_pack
from mlwarden.checks.semgrep.engine import run_semgrep, semgrep_executable
from mlwarden.checks.semgrep.pack import (
    builtin_pack,
    load_pack,
    pack_dir,
    rule_files,
    short_rule_id,
    validate_pack,
)
from mlwarden.checks.semgrep.packtest import main as packtest_main
from mlwarden.checks.semgrep.packtest import run_pack_tests
from mlwarden.core.findings import Severity
from mlwarden.core.rules import index_rules
from tests.conftest import REPO_ROOT

PACK = pack_dir()
FAMILIES = {
    "deserialization",
    "remote-code",
    "llm",
    "ingestion",
    "serving",
    "obfuscation",
}


def test_pack_is_found_in_the_source_checkout() -> None:
    assert REPO_ROOT / "semgrep-rules" == PACK
    assert {p.name for p in PACK.iterdir() if p.is_dir()} >= FAMILIES


def test_pack_has_at_least_45_documented_rules() -> None:
    rules = semgrep.HOOK.rules()
    assert len(rules) >= 45
    by_id = index_rules(rules)  # refuses duplicate ids
    assert all(re.fullmatch(r"SG\d{3}", rule_id) for rule_id in by_id)
    for rule in rules:
        assert rule.hook == "semgrep"
        assert rule.cwe, rule.id
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.instead, rule.id
        assert rule.doc.references, rule.id
        assert "## Use instead" in rule.markdown()


def test_rule_metadata_is_carried_into_rules() -> None:
    by_id = index_rules(semgrep.HOOK.rules())
    torch_load = by_id["SG001"]
    assert torch_load.slug == "torch-load-without-weights-only"
    assert torch_load.severity is Severity.HIGH
    assert torch_load.cwe == (502,)
    assert torch_load.equivalents == ("B614",)
    assert by_id["SG049"].severity is Severity.LOW
    assert by_id["SG031"].severity is Severity.CRITICAL


def test_every_rule_file_sits_beside_its_test_file() -> None:
    for path in rule_files(PACK):
        assert path.parent.name in FAMILIES
        tests = [p for p in path.parent.glob(f"{path.stem}.*") if p.suffix != ".yaml"]
        assert len(tests) == 1, path


def test_pack_passes_offline_metadata_validation() -> None:
    assert validate_pack(PACK) == []


def test_validation_reports_missing_metadata(tmp_path: Path) -> None:
    (tmp_path / "SG999.yaml").write_text(
        "rules:\n  - id: SG999\n    languages: [python]\n    severity: ERROR\n"
        "    message: m\n    pattern: eval(...)\n    metadata:\n      confidence: SURE\n"
        "      cwe: ['CWE 95']\n",
        encoding="utf-8",
    )
    problems = validate_pack(tmp_path)
    assert any("metadata.slug missing" in p for p in problems)
    assert any("confidence must be one of" in p for p in problems)
    assert any("'CWE-<n>: <name>'" in p for p in problems)
    assert any("no test file" in p for p in problems)


def test_semgrep_parses_every_rule_and_ignores_the_test_files(tmp_path: Path) -> None:
    # `--config <folder>` must load only YAML: a .py test file taken as a rule would be
    # a config error here. This is the offline part of `semgrep --validate`.
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n", encoding="utf-8")
    output = run_semgrep([PACK], [str(empty)], cwd=tmp_path)
    assert output.errors == ()
    assert output.matches == ()


def test_every_rule_lets_semgrep_skip_files_by_their_words(tmp_path: Path) -> None:
    # A rule semgrep cannot prefilter runs on every file: four such rules (string keys,
    # metavariable regexes) were a quarter of the pack's time on a 362k-line tree
    # (bench/scale). semgrep's own `--time` report says which rules have a file prefilter.
    exe = semgrep_executable()
    assert exe is not None
    target = tmp_path / "m.py"
    target.write_text("x = 1\n", encoding="utf-8")
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    done = subprocess.run(
        [exe, "scan", "--experimental", "--metrics=off", "--disable-version-check", "--quiet",
         "--time", "--json", "--config", str(PACK), str(target)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    prefiltering = json.loads(done.stdout)["time"]["prefiltering"]
    assert prefiltering["rules_with_file_prefilters_ratio"] == 1.0


def test_semgrep_test_passes_for_every_rule() -> None:
    report = run_pack_tests(PACK)
    failed = [t for t in report.tests if not t.passed]
    assert failed == []
    assert report.ok
    assert {t.rule_id for t in report.tests} == {r.id for r in semgrep.HOOK.rules()}


def test_standard_semgrep_test_runs_when_asked(tmp_path: Path) -> None:
    # The standard CLI takes ~1 s a rule: two rules (search and taint mode) prove the
    # fallback path parses the same report.
    for rule_id, family in (("SG001", "deserialization"), ("SG031", "llm")):
        for path in (PACK / family).glob(f"{rule_id}.*"):
            shutil.copy(path, tmp_path / path.name)
    report = run_pack_tests(tmp_path, experimental=False)
    assert report.engine == "semgrep --test"
    assert [(t.rule_id, t.passed) for t in report.tests] == [("SG001", True), ("SG031", True)]
    assert report.ok


def test_experimental_and_standard_cli_find_the_same_on_the_pack_tests() -> None:
    targets = sorted(
        str(p.relative_to(PACK)) for p in PACK.rglob("*") if p.suffix in (".py", ".properties")
    )
    fast = run_semgrep([PACK], targets, cwd=PACK, experimental=True)
    standard = run_semgrep([PACK], targets, cwd=PACK, experimental=False)
    assert fast.engine == "semgrep --experimental"
    assert standard.engine == "semgrep"

    def key(output: object) -> set[tuple[str, str, int, int]]:
        return {(short_rule_id(m.check_id), m.path, m.line, m.column) for m in output.matches}  # type: ignore[attr-defined]

    assert key(fast) == key(standard)
    assert len(key(fast)) > 100


def test_rules_test_command_reports_each_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert packtest_main([]) == 0
    out = capsys.readouterr().out
    assert "PASS SG001 deserialization/SG001.yaml" in out
    assert re.search(r"^(\d+)/\1 rules passed", out, re.MULTILINE)


def test_rules_test_command_fails_on_a_broken_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(PACK / "serving", pack)
    test_file = pack / "SG048.py"
    test_file.write_text(
        test_file.read_text(encoding="utf-8").replace("# ok: SG048", "# ruleid: SG048", 1),
        encoding="utf-8",
    )
    assert packtest_main([str(pack)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^FAIL SG048 SG048\.yaml: missed lines \d+$", out, re.MULTILINE)
    assert "PASS SG050 SG050.yaml" in out


def test_rules_test_command_rejects_a_missing_path(tmp_path: Path) -> None:
    assert packtest_main([str(tmp_path / "nope")]) == 2


def test_load_pack_tolerates_rules_without_our_metadata(tmp_path: Path) -> None:
    (tmp_path / "acme.yml").write_text(
        "rules:\n  - id: acme-no-eval\n    languages: [python]\n    severity: WARNING\n"
        "    message: Do not eval. Use ast.literal_eval.\n    pattern: eval(...)\n",
        encoding="utf-8",
    )
    (entry,) = load_pack(tmp_path)
    assert entry.rule.id == "acme-no-eval"
    assert entry.rule.severity is Severity.MEDIUM
    assert entry.rule.summary == "Do not eval."


def test_builtin_pack_is_cached() -> None:
    assert builtin_pack() is builtin_pack()


def test_installed_pack_inside_the_package_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The wheel force-includes semgrep-rules/ as mlwarden/semgrep_rules.
    package = tmp_path / "site" / "mlwarden"
    (package / "semgrep_rules").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(semgrep_pack.mlwarden, "__file__", str(package / "__init__.py"))
    assert semgrep_pack.pack_dir() == package / "semgrep_rules"
