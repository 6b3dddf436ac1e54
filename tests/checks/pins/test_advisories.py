"""PIN021: exact pins inside the range of an advisory that defeats a safe form we recommend.

Each advisory of the shipped data has a true positive (a pin the advisory's research says is
affected, reported on its line) and a fixed-version negative (each fixed release of the entry
is not reported for that advisory), parametrised over the data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from packaging.version import Version

from mlwarden.checks.pins import HOOK
from mlwarden.checks.pins.advisories import RULE_ID, Advisory, affecting, first_safe, load
from mlwarden.core.findings import HookResult
from tests.checks.pins.test_helpers import hits, scan

# The true positive of each entry (first id), written as a user writes it, from the research
# notes: a version the advisory names as affected, not one derived from the range here.
TRUE_POSITIVES: dict[str, str] = {
    "CVE-2025-32434": "torch==2.5.1",
    "CVE-2026-24747": "torch==2.9.0",
    "CVE-2024-3660": "keras==2.12.0",
    "CVE-2025-1550": "keras==3.7.0",
    "CVE-2025-8747": "keras==3.10.0",
    "CVE-2025-9906": "keras==3.10.0",
    "CVE-2025-9905": "keras==3.11.2",
    "CVE-2025-49655": "keras==3.11.2",
    "CVE-2025-12058": "keras==3.11.3",
    "CVE-2026-1462": "keras==3.13.1",
    "CVE-2026-12481": "keras==3.14.0",
    "CVE-2026-12484": "keras==3.14.1",
    "CVE-2021-37678": "tensorflow==2.5.0",
    "CVE-2024-34359": "llama-cpp-python==0.2.71",
    "CVE-2024-56326": "Jinja2==3.1.4",
    "CVE-2025-27516": "Jinja2==3.1.5",
    "CVE-2023-6730": "transformers==4.35.2",
    "CVE-2024-3568": "transformers==4.37.2",
    "CVE-2026-4372": "transformers==5.2.0",
    "CVE-2026-5241": "transformers==5.4.0",
    "CVE-2022-25882": "onnx==1.12.0",
    "CVE-2024-27318": "onnx==1.15.0",
    "CVE-2026-27489": "onnx==1.20.1",
    "CVE-2025-54412": "skops==0.11.0",
    "CVE-2025-54413": "skops==0.11.0",
    "CVE-2025-54886": "skops==0.12.0",
    "CVE-2019-6446": "numpy==1.16.2",
}
# Near misses below a range's lower bound, from the research notes.
BELOW_RANGE: dict[str, str] = {
    "CVE-2025-49655": "keras==3.10.0",
    "CVE-2024-34359": "llama-cpp-python==0.2.29",
}
ADVISORIES = {a.ids[0]: a for a in load()}


def names(result: HookResult, advisory: Advisory) -> list[int]:
    """Lines of PIN021 findings whose message names `advisory`."""
    pattern = re.compile(rf"\b{re.escape(advisory.ids[0])}\b")
    return [
        f.location.line
        for f in result.findings
        if f.rule_id == RULE_ID and pattern.search(f.message)
    ]


def test_every_advisory_has_cases_and_a_source() -> None:
    assert set(TRUE_POSITIVES) == set(ADVISORIES)
    for advisory in ADVISORIES.values():
        assert advisory.references, advisory.ids
        assert all(ref.startswith("https://") for ref in advisory.references), advisory.ids
        assert advisory.source in ("advisory", "secondary"), advisory.ids
        assert all(re.fullmatch(r"(CVE|GHSA|PYSEC)-[\w-]+", i) for i in advisory.ids)


def test_the_rule_is_declared_by_the_hook() -> None:
    assert RULE_ID in {rule.id for rule in HOOK.rules()}


@pytest.mark.parametrize("first_id", sorted(TRUE_POSITIVES))
def test_true_positive(first_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    advisory = ADVISORIES[first_id]
    pin = TRUE_POSITIVES[first_id]
    result = scan(tmp_path, monkeypatch, {"requirements.txt": f"# ML stack\n{pin}\n"})
    assert names(result, advisory) == [2]
    assert [h for h in hits(result) if h[0] == RULE_ID] == [(RULE_ID, "requirements.txt", 2)]
    finding = next(f for f in result.findings if f.rule_id == RULE_ID)
    safe = first_safe(pin.split("==")[0], Version(pin.split("==")[1]))
    assert f">={safe}" in finding.message and "pip-audit" in finding.message


@pytest.mark.parametrize("first_id", sorted(TRUE_POSITIVES))
def test_fixed_versions_are_not_reported(
    first_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    advisory = ADVISORIES[first_id]
    package = sorted(advisory.packages)[0]
    pins = [f"{package}=={fixed}" for fixed in advisory.fixed]
    pins += [BELOW_RANGE[first_id]] if first_id in BELOW_RANGE else []
    text = "".join(f"{pin}\n" for pin in pins)
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert names(result, advisory) == []
    assert result.errors == ()


@pytest.mark.parametrize("package", sorted({p for a in load() for p in a.packages}))
def test_the_advised_upgrade_is_clean(
    package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    safe = first_safe(package, Version("0"))
    assert safe is not None
    assert affecting(package, safe) == []
    result = scan(tmp_path, monkeypatch, {"requirements.txt": f"{package}=={safe}\n"})
    assert [h for h in hits(result) if h[0] == RULE_ID] == []


def test_many_advisories_one_finding_with_the_first_clean_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3.12.3 fixes the 3.12 back-port branch of two advisories but not CVE-2026-1462, and
    # 3.13.2 is inside the second range of those two: the first clean release is 3.15.0.
    result = scan(tmp_path, monkeypatch, {"requirements.txt": "keras==3.12.0\n"})
    (finding,) = [f for f in result.findings if f.rule_id == RULE_ID]
    assert "3 advisories" in finding.message
    assert "CVE-2026-1462 (fixed in 3.13.2)" in finding.message
    assert "CVE-2026-12481 (fixed in 3.12.3)" in finding.message
    assert "Upgrade to keras>=3.15.0" in finding.message


def test_pins_and_ranges_that_allow_only_affected_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "torch>=2.0,<2.6\n"  # every allowed version is affected: whatever installs is
        "keras==3.7.*\n"  # the same for a wildcard
        "torch==2.5.1+cu121 ; python_version >= '3.10'\n"  # local version, marker
        "onnx===1.12.0\n"
        "numpy @ https://example.org/numpy-1.16.2.tar.gz#sha256=" + "a" * 64 + "\n"
        "transformers~=4.35.0\n"  # 4.35.x, all before the fix of CVE-2023-6730
    )
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert [h for h in hits(result) if h[0] == RULE_ID] == [
        (RULE_ID, "requirements.txt", 1),
        (RULE_ID, "requirements.txt", 2),
        (RULE_ID, "requirements.txt", 3),
        (RULE_ID, "requirements.txt", 4),
        (RULE_ID, "requirements.txt", 6),
    ]
    first = next(f for f in result.findings if f.rule_id == RULE_ID)
    assert first.message.startswith("`torch<2.6,>=2.0` allows only versions affected by 2")
    assert "Upgrade to torch>=2.10.0" in first.message


def test_ranges_that_allow_a_fixed_release_are_not_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "torch>=2.0\n"  # unbounded: PIN001's business
        "torch>=2.4,<2.12\n"  # allows 2.10 and 2.11, past every listed torch advisory
        "keras!=3.7.0\n"
        "onnx<=1.12.0,>=1.13\n"  # allows nothing
        "llama-cpp-python>=0.2.0,<0.2.72\n"  # 0.2.0-0.2.29 predate the affected range
    )
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert [h for h in hits(result) if h[0] == RULE_ID] == []


def test_names_are_normalised_and_aliases_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "LLaMA_CPP.Python==0.2.50\ntensorflow-cpu==2.4.1\ntensorflow-gpu==2.4.3\n"
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert [h for h in hits(result) if h[0] == RULE_ID] == [
        (RULE_ID, "requirements.txt", 1),
        (RULE_ID, "requirements.txt", 2),
    ]


def test_included_and_constraints_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "requirements.txt": "-r base/requirements.txt\n-c constraints.txt\ntorch\n",
        "base/requirements.txt": "transformers==4.35.2\n",
        "constraints.txt": "torch==2.5.1\n",
    }
    result = scan(tmp_path, monkeypatch, files, only=("requirements.txt",))
    assert [h for h in hits(result) if h[0] == RULE_ID] == [
        (RULE_ID, "base/requirements.txt", 1),
        (RULE_ID, "constraints.txt", 1),
    ]


PYPROJECT = """[project]
name = "app"
version = "1"
dependencies = ["torch==2.5.1", "numpy>=1.16"]

[project.optional-dependencies]
serve = ["onnx==1.21.0"]

[dependency-groups]
dev = ["Jinja2==3.1.4"]
"""


def test_pyproject_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = scan(tmp_path, monkeypatch, {"pyproject.toml": PYPROJECT}, only=("pyproject.toml",))
    assert [h for h in hits(result) if h[0] == RULE_ID] == [
        (RULE_ID, "pyproject.toml", 4),
        (RULE_ID, "pyproject.toml", 10),
    ]


def test_pyproject_ranges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = PYPROJECT.replace('serve = ["onnx==1.21.0"]', 'serve = ["keras>=3.5,<=3.7.0"]')
    result = scan(tmp_path, monkeypatch, {"pyproject.toml": text}, only=("pyproject.toml",))
    assert [h for h in hits(result) if h[0] == RULE_ID] == [
        (RULE_ID, "pyproject.toml", 4),
        (RULE_ID, "pyproject.toml", 7),
        (RULE_ID, "pyproject.toml", 10),
    ]


UV_LOCK = """version = 1
requires-python = ">=3.10"

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "torch"
version = "2.5.1"
source = { registry = "https://pypi.org/simple" }
"""


@pytest.mark.parametrize("lock", ["uv.lock", "poetry.lock", "pdm.lock"])
def test_toml_lock_files(lock: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pyproject.toml": '[project]\nname = "app"\nversion = "1"\n', lock: UV_LOCK}
    result = scan(tmp_path, monkeypatch, files, only=(lock,))
    assert [h for h in hits(result) if h[0] == RULE_ID] == [(RULE_ID, lock, 10)]
    fixed = UV_LOCK.replace('"2.5.1"', '"2.10.0"')
    result = scan(tmp_path, monkeypatch, {lock: fixed}, only=(lock,))
    assert [h for h in hits(result) if h[0] == RULE_ID] == []


def test_pylock_and_pipfile_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pylock = 'lock-version = "1.0"\n\n[[packages]]\nname = "skops"\nversion = "0.11.0"\n'
    pipfile = {
        "_meta": {"hash": {"sha256": "0" * 64}},
        "default": {"keras": {"hashes": [], "version": "==3.7.0"}},
        "develop": {},
    }
    files = {
        "a/pylock.toml": pylock,
        "b/Pipfile.lock": json.dumps(pipfile, indent=4),
    }
    result = scan(tmp_path, monkeypatch, files)
    assert [h for h in hits(result) if h[0] == RULE_ID] == [
        (RULE_ID, "a/pylock.toml", 4),
        (RULE_ID, "b/Pipfile.lock", 8),
    ]
