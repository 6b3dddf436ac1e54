"""mlwarden is quiet on its own repository (its deliberately insecure tests, rule-pack
test files and example are excluded by `[tool.mlwarden]`), and loud on its example when
the example's own config is named (the repository's config excludes it)."""

from __future__ import annotations

import json

from tests.conftest import REPO_ROOT, run_mlwarden


def test_mlwarden_is_quiet_on_its_own_repository() -> None:
    result = run_mlwarden(REPO_ROOT, "scan", "--format", "json")
    report = json.loads(result.stdout)
    failing = [f for f in report["findings"] if f["severity"] != "info"]
    assert failing == [], json.dumps(failing, indent=1)
    assert report["errors"] == []
    assert result.returncode == 0, result.stderr


def test_example_project_shows_one_problem_per_hook() -> None:
    example = REPO_ROOT / "examples" / "ml-project"
    result = run_mlwarden(example, "scan", "--format", "json", "--config", ".mlwarden.toml", ".")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    seen = {(f["hook"], f["path"], f["rule_id"]) for f in report["findings"]}
    assert ("secrets", ".env", "SEC001") in seen
    assert ("semgrep", "src/trainer/train.py", "SG001") in seen
    assert ("models", "models/classifier.pkl", "MOD001") in seen
    assert ("pins", "requirements.txt", "PIN003") in seen
    assert ("pins", "requirements.txt", "PIN019") in seen
    assert ("bandit", "src/trainer/train.py", "B615") in seen
    assert any(hook == "config-guard" for hook, _, _ in seen), seen


def test_sarif_of_the_example_validates_and_names_every_rule() -> None:
    import jsonschema

    from tests.conftest import SARIF_SCHEMA

    example = REPO_ROOT / "examples" / "ml-project"
    result = run_mlwarden(example, "scan", "--format", "sarif", "--config", ".mlwarden.toml", ".")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    run = document["runs"][0]
    described = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    used = {r["ruleId"] for r in run["results"]}
    assert used <= described
    assert {"SEC001", "SG001", "MOD001", "PIN019", "CFG001"} <= used
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    # Repository-relative, as code scanning resolves them against the checkout.
    assert "examples/ml-project/src/trainer/train.py" in uris


def test_readme_example_output_is_what_the_quick_start_prints() -> None:
    # The README shows the Quick start's output verbatim; a rule or message change that
    # alters it must change the README too.
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Example output", 1)[1]
    shown = section.split("```\n", 2)[1]
    example = REPO_ROOT / "examples" / "ml-project"
    result = run_mlwarden(example, "scan", "--config", ".mlwarden.toml", ".")
    assert result.returncode == 1, result.stderr
    assert result.stdout == shown
