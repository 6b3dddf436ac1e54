"""requirements/constraints files: every rule with a true positive and a near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks.pins import Options, classify
from mlwarden.core.findings import Severity
from tests.checks.pins.test_helpers import hits, scan

SHA = "3f1c2e0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
H = "--hash=sha256:" + "a" * 64


def only(result_hits: list[tuple[str, str, int]], rule: str) -> list[tuple[str, str, int]]:
    return [h for h in result_hits if h[0] == rule]


def test_unpinned_and_wildcards_are_pin001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "# comment\n"
        "numpy>=1.24\n"
        "pandas==2.*\n"
        "requests\n"
        "torch==2.10.0+cu121 ; python_version >= '3.10'  # local version, marker\n"
        "scikit-learn[alldeps]==1.5.2\n"
        "black===24.8.0\n"
        "transformers>=4,==4.44.2\n"
    )
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert only(hits(result), "PIN001") == [
        ("PIN001", "requirements.txt", 2),
        ("PIN001", "requirements.txt", 3),
        ("PIN001", "requirements.txt", 4),
    ]
    assert "numpy==<version>" in result.findings[0].message
    assert result.errors == ()


def test_continuation_reports_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"torch==2.10.0 \\\n    {H}\nnumpy \\\n  >=1.2 \\\n  {H}\n"
    result = scan(tmp_path, monkeypatch, {"requirements-gpu.txt": text})
    assert hits(result) == [("PIN001", "requirements-gpu.txt", 3)]


def test_constraints_file_pins_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "requirements.txt": "-c constraints.txt\nrequests\nflask\n",
        "constraints.txt": "requests==2.32.3\n",
    }
    result = scan(tmp_path, monkeypatch, files, Options(require_hashes=False))
    assert only(hits(result), "PIN001") == [("PIN001", "requirements.txt", 3)]


def test_compile_inputs_may_hold_ranges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "numpy>=1.24\n--extra-index-url https://download.pytorch.org/whl/cu121\ntransfomers\n"
    result = scan(tmp_path, monkeypatch, {"requirements.in": text})
    assert hits(result) == [
        ("PIN003", "requirements.in", 2),
        ("PIN019", "requirements.in", 3),
    ]


def test_missing_hash_is_one_note_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = scan(tmp_path, monkeypatch, {"requirements.txt": "a1==1.0\nb2==2.0\n"})
    assert hits(result) == [("PIN002", "requirements.txt", 1)]
    assert result.findings[0].severity is Severity.INFO
    assert "2 requirement(s)" in result.findings[0].message


def test_missing_hash_is_an_error_with_require_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"a1==1.0 {H}\nb2==2.0\n"
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text}, Options(require_hashes=True))
    assert hits(result) == [("PIN002", "requirements.txt", 2)]
    assert result.findings[0].severity is Severity.MEDIUM


def test_partial_hashes_switch_on_hash_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"a1==1.0 {H}\nb2==2.0\n"
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert [(f.rule_id, f.location.line, f.severity) for f in result.findings] == [
        ("PIN002", 2, Severity.MEDIUM)
    ]


def test_fully_hashed_file_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = f"--require-hashes\na1==1.0 {H}\nb2==2.0 \\\n    {H}\n"
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text}, Options(require_hashes=True))
    assert hits(result) == []


def test_index_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "--extra-index-url https://download.pytorch.org/whl/cu121\n"
        "--extra-index-url https://pypi.corp.example/simple\n"
        "--index-url http://pypi.internal/simple\n"
        "--trusted-host pypi.internal\n"
        "-f https://data.pyg.org/whl/torch-2.4.0+cu121.html\n"
        "--find-links ./wheels\n"
        "-i https://pypi.org/simple\n"
        "--index-url http://localhost:3141/root/pypi\n"
    )
    options = Options(allowed_indexes=("https://pypi.corp.example/",))
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text}, options)
    assert hits(result) == [
        ("PIN003", "requirements.txt", 1),
        ("PIN004", "requirements.txt", 3),
        ("PIN004", "requirements.txt", 4),
        ("PIN003", "requirements.txt", 5),
    ]


def test_credentials_are_reported_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "--index-url https://deploy:hunter2secret@pypi.corp.example/simple\n"
        "--index-url https://${PIP_USER}:${PIP_TOKEN}@pypi.corp.example/simple\n"
        "--index-url https://__token__@pypi.corp.example/simple\n"
    )
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert hits(result) == [("PIN005", "requirements.txt", 1)]
    assert "hunter2secret" not in result.findings[0].message
    assert "hunter2secret" not in result.findings[0].fingerprint


def test_vcs_refs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "mylib @ git+https://github.com/org/mylib@main\n"
        "git+https://github.com/org/other.git#egg=other\n"
        "-e git+https://github.com/org/third.git@v1.2.0#egg=third\n"
        f"ok1 @ git+https://github.com/org/ok1@{SHA}\n"
        f"-e git+ssh://git@github.com/org/ok2.git@{SHA}#egg=ok2\n"
        "-e .\n"
        "./local/pkg\n"
    )
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert only(hits(result), "PIN006") == [
        ("PIN006", "requirements.txt", 1),
        ("PIN006", "requirements.txt", 2),
        ("PIN006", "requirements.txt", 3),
    ]
    assert result.errors == ()


def test_direct_urls_need_a_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = "0" * 64
    text = (
        "https://example.com/a-1.0-py3-none-any.whl\n"
        "b @ https://example.com/b-1.0.tar.gz\n"
        f"c @ https://example.com/c-1.0.tar.gz#sha256={digest}\n"
        f"https://example.com/d-1.0-py3-none-any.whl {H}\n"
        "e @ file:///opt/wheels/e-1.0-py3-none-any.whl\n"
    )
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert only(hits(result), "PIN007") == [
        ("PIN007", "requirements.txt", 1),
        ("PIN007", "requirements.txt", 2),
    ]


def test_includes_are_followed_and_remote_ones_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "requirements.txt": "-r requirements/base.txt\n-r https://example.com/r.txt\n",
        "requirements/base.txt": "-r ../extra/more.txt\n",
        "extra/more.txt": "flask>=3\n",
    }
    result = scan(tmp_path, monkeypatch, files, only=("requirements.txt",))
    assert only(hits(result), "PIN008") == [("PIN008", "requirements.txt", 2)]
    assert only(hits(result), "PIN001") == [("PIN001", "extra/more.txt", 1)]


def test_circular_missing_and_escaping_includes_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "requirements.txt": "-r dev-requirements.txt\n-r nope.txt\n-r ../../outside.txt\n",
        "dev-requirements.txt": "-r requirements.txt\nrequests\n",
    }
    result = scan(tmp_path, monkeypatch, files)
    assert only(hits(result), "PIN001") == [("PIN001", "dev-requirements.txt", 2)]
    messages = sorted(f"{e.path}: {e.message}" for e in result.errors)
    assert len(messages) == 3
    assert "circular include" in messages[0]
    assert messages[1] == "requirements.txt: line 2: -r nope.txt: file not found"
    assert "leaves the repository" in messages[2]


def test_bad_input_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": b"\x00\x01binary",
        "requirements-dev.txt": "numpy==1.26.4\nthis is not valid!!\nnor this ((\n",
    }
    result = scan(tmp_path, monkeypatch, files)
    errors = sorted((e.path, e.message) for e in result.errors)
    assert errors[0][0] == "requirements-dev.txt"
    assert errors[0][1].startswith("line 2: not a valid requirement")
    assert errors[0][1].endswith("(and 1 more lines)")
    assert errors[1] == ("requirements.txt", "binary file; not a dependency file")


def test_ten_thousand_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(f"pkg-{i}=={i}.0\n" for i in range(10_000)) + "numpy\n"
    result = scan(tmp_path, monkeypatch, {"requirements.txt": text})
    assert only(hits(result), "PIN001") == [("PIN001", "requirements.txt", 10_001)]


def test_typosquats_and_known_bad(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "transfomers==4.44.2\n"
        "torchtriton==2.0.0\n"
        "sklearn==0.0\n"
        "Scikit_Learn==1.5.2\n"
        "scapy==2.6.0\n"
        "my-internal-torch==1.0\n"
        "pandsa==2.2.2\n"
    )
    options = Options(allowed_names=("pandsa",))
    result = scan(tmp_path, monkeypatch, {"constraints.txt": text}, options)
    assert hits(result) == [
        ("PIN019", "constraints.txt", 1),
        ("PIN020", "constraints.txt", 2),
        ("PIN020", "constraints.txt", 3),
    ]
    assert result.findings[1].severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("requirements.txt", "requirements"),
        ("sub/requirements-dev.txt", "requirements"),
        ("requirements/base.txt", "requirements"),
        ("constraints.txt", "requirements"),
        ("docs/requirements.in", "requirements"),
        ("notes.txt", None),
        ("pyproject.toml", "pyproject"),
        ("uv.lock", "lock"),
        ("environment-gpu.yml", "conda"),
        ("Dockerfile", "docker"),
        ("docker/Dockerfile.cuda", "docker"),
        ("train.dockerfile", "docker"),
        (".github/workflows/ci.yaml", "workflow"),
        (".github/actions/setup/action.yml", "workflow"),
        ("config.yaml", None),
        (".pre-commit-config.yaml", "precommit"),
    ],
)
def test_classify(path: str, kind: str | None) -> None:
    assert classify(path) == kind
