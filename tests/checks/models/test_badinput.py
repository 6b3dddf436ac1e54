"""Bad input: what cannot be read the way a loader reads it fails closed (MOD007, one line
naming the file), never a traceback, and the rest is still judged."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlwarden.checks.models import Options
from mlwarden.core.findings import HookResult
from tests.checks.models.test_helpers import evil, ids, run_on, scan, torch_zip
from tests.conftest import run_mlwarden


def _unjudged(result: HookResult) -> list[tuple[str, str]]:
    """(path, reason) of each MOD007: the analysis could not be completed."""
    from mlwarden.checks.models.scan import NOT_JUDGED as suffix

    return sorted(
        (f.location.path, f.message.removesuffix(suffix))
        for f in result.findings
        if f.rule_id == "MOD007"
    )


def test_bad_files_are_errors_and_the_good_one_is_still_scanned(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "truncated.pt": torch_zip(evil())[:60],
            "corrupt.pkl": b"\x80\x02\xff\xfe\xfd",
            "text.pt": b"this is not a model\n",
            "empty.pkl": b"",
            "real.pkl": evil(),
        },
    )
    assert ids(result) == [
        ("MOD001", "real.pkl", None),
        ("MOD003", "corrupt.pkl", None),
        ("MOD003", "real.pkl", None),
        ("MOD007", "corrupt.pkl", None),
        ("MOD007", "text.pt", None),
        ("MOD007", "truncated.pt", None),
    ]
    unjudged = _unjudged(result)
    assert [path for path, _ in unjudged] == ["corrupt.pkl", "text.pt", "truncated.pt"]
    assert "not a pickle opcode" in unjudged[0][1]
    assert unjudged[1][1] == "not a model format this hook recognises (text)"
    assert "truncated or corrupt zip" in unjudged[2][1]
    assert all("\n" not in message for _, message in unjudged)
    # An empty file holds no code: nothing to judge, nothing to report.
    assert result.errors == ()


def test_unrecognised_files_without_model_names_are_silent(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "main.py": b"print('hello')\n",
            "empty.txt": b"",
            "image.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
            "sound.dat": b"\x80\x02\xff\xfe binary that merely starts like a pickle",
        },
    )
    assert result.findings == () and result.errors == ()


def test_corrupt_zip_fails_closed_whatever_its_name(tmp_path: Path) -> None:
    # torch reads the same central directory as zipfile: if it is gone, nothing loads
    # the archive, and nothing can judge it either.
    result = scan(tmp_path, {"corrupt.zip.bak": b"PK\x03\x04" + b"\0" * 10})
    assert _unjudged(result) == [
        ("corrupt.zip.bak", "truncated or corrupt zip: File is not a zip file")
    ]


def test_corrupt_member_of_a_good_zip(tmp_path: Path) -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02}q\x00(X\x01")  # cut mid-string
        zf.writestr("archive/extra.pkl", evil())
    result = scan(tmp_path, {"m.pt": out.getvalue()})
    assert ids(result) == [
        ("MOD001", "m.pt", "archive/extra.pkl"),
        ("MOD003", "m.pt", None),
        ("MOD007", "m.pt", None),
    ]
    assert _unjudged(result) == [
        ("m.pt", "malformed pickle in member `archive/data.pkl`: truncated: wanted 4 bytes, got 1")
    ]


def test_lz4_joblib_cannot_be_analysed(tmp_path: Path) -> None:
    result = scan(tmp_path, {"m.joblib": b"\x04\x22\x4d\x18" + b"\0" * 20})
    assert ids(result) == [("MOD007", "m.joblib", None)]


def test_line_without_end_is_refused(tmp_path: Path) -> None:
    result = scan(tmp_path, {"m.pkl": b"\x80\x02c" + b"a" * 200_000})
    ((path, reason),) = _unjudged(result)
    assert path == "m.pkl" and "line without end" in reason


def test_huge_announced_length_is_not_allocated(tmp_path: Path) -> None:
    # BINBYTES8 announcing 2**60 bytes: skipped, found truncated, no MemoryError.
    result = scan(tmp_path, {"m.pkl": b"\x80\x04\x8e" + (2**60).to_bytes(8, "little") + b"x"})
    ((_, reason),) = _unjudged(result)
    assert "truncated" in reason


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "real.pkl").write_bytes(evil())
    (tmp_path / "link.pkl").symlink_to(tmp_path / "real.pkl")
    result = run_on(tmp_path, ["link.pkl"])
    assert result.findings == () and result.errors == ()


def test_unreadable_file_fails_closed(tmp_path: Path) -> None:
    """A file the hooks cannot read is a finding (MLW002), not a pass; the rest is judged."""
    (tmp_path / "secret.pkl").write_bytes(evil())
    (tmp_path / "other.pkl").write_bytes(evil())
    (tmp_path / "secret.pkl").chmod(0)
    try:
        done = run_mlwarden(tmp_path, "scan", "--hook", "models", "--format", "json")
    finally:
        (tmp_path / "secret.pkl").chmod(0o600)
    found = sorted((f["rule_id"], f["path"]) for f in json.loads(done.stdout)["findings"])
    if os.geteuid() == 0:  # root reads anything: the file is judged, nothing is unreadable
        assert found == sorted(
            (r, p) for p in ("other.pkl", "secret.pkl") for r in ("MOD001", "MOD003")
        )
    else:
        assert found == [("MLW002", "secret.pkl"), ("MOD001", "other.pkl"), ("MOD003", "other.pkl")]
    assert done.returncode == 1


def test_invalid_policy_severity_is_a_usage_error(tmp_path: Path) -> None:
    from mlwarden.core.errors import UsageError

    with pytest.raises(UsageError, match="pickle-format-severity"):
        scan(tmp_path, {"m.pkl": evil()}, Options(pickle_format_severity="loud"))
    with pytest.raises(UsageError, match="max-opcodes must be positive"):
        scan(tmp_path, {"m.pkl": evil()}, Options(max_opcodes=0))


def test_truncated_compressed_and_npy_files(tmp_path: Path) -> None:
    import gzip

    from tests.checks.models.test_helpers import Payload, npy_object

    result = scan(
        tmp_path,
        {
            # The payload comes first; the stream breaks long after it.
            "cut.joblib": gzip.compress(pickle.dumps([Payload(), *range(20_000)], 2))[:-100],
            "bad_header.npy": b"\x93NUMPY\x01\x00\x10\x00{'descr': oops}\n",
            "cut.csv.gz": gzip.compress(b"a,b\n" * 1000)[:-30],
            "ok.npy": npy_object(evil()),
        },
    )
    assert ids(result) == [
        ("MOD001", "cut.joblib", None),
        ("MOD001", "ok.npy", None),
        ("MOD003", "cut.joblib", None),
        ("MOD003", "ok.npy", None),
        ("MOD007", "bad_header.npy", None),
        ("MOD007", "cut.joblib", None),
    ]
    assert [p for p, _ in _unjudged(result)] == ["bad_header.npy", "cut.joblib"]
    assert _unjudged(result)[0][1] == "unreadable .npy header"
    assert "cannot read" in _unjudged(result)[1][1]


def _seeds() -> list[bytes]:
    import gzip
    import io

    import py7zr

    from tests.checks.models import builders
    from tests.checks.models.test_helpers import (
        benign_state_dict,
        hdf5,
        joblib_like,
        keras,
        npy_object,
        zip_of,
    )

    sevenzip = io.BytesIO()
    with py7zr.SevenZipFile(sevenzip, "w") as archive:
        archive.writestr(evil(), "model.pkl")
    return [
        torch_zip(benign_state_dict()),
        joblib_like(4, after=evil()[2:-1]),
        zip_of({"a.npy": npy_object(evil())}),
        gzip.compress(evil()),
        keras([{"module": "keras.layers", "class_name": "Dense", "config": {}}]),
        evil(proto=0),
        builders.gguf({"tokenizer.chat_template": "{{ messages }}", "n": 3}),
        builders.onnx_model(nodes=[("Relu", "x.y")], locations=["w.bin"]),
        builders.saved_model(["Const", "PyFunc"], function_ops=["ReadFile"]),
        builders.tar_of({"model.pth": torch_zip(evil())}, mode="w:gz"),
        sevenzip.getvalue(),
        hdf5(),
    ]


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 11),
    edits=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.booleans()), max_size=4
    ),
    cut=st.integers(0, 10**6),
)
def test_mutated_artifacts_never_crash(
    tmp_path: Path, seed: int, edits: list[tuple[int, int, bool]], cut: int
) -> None:
    """Flipped bytes and truncations give findings or one-line errors, never an
    internal error (found by fuzzing: corrupt zip offsets, names, versions)."""
    data = bytearray(_seeds()[seed])
    for where, value, truncate in edits:
        if truncate:
            data = data[: cut % (len(data) + 1)]
        elif data:
            data[where % len(data)] = value
    result = scan(tmp_path, {"m.pt": bytes(data)})
    assert not any(e.message.startswith("internal error") for e in result.errors)
    assert all("\n" not in e.message for e in result.errors)


def test_unjudged_file_fails_the_run_and_is_suppressed_per_path(tmp_path: Path) -> None:
    (tmp_path / "broken.pt").write_bytes(torch_zip(evil())[:-40])
    (tmp_path / "other.pt").write_bytes(torch_zip(evil())[:-40])
    failed = run_mlwarden(tmp_path, "scan", "--hook", "models", "--format", "json")
    assert failed.returncode == 1
    assert sorted(f["path"] for f in json.loads(failed.stdout)["findings"]) == [
        "broken.pt",
        "other.pt",
    ]
    (tmp_path / "pyproject.toml").write_text('[tool.mlwarden.models]\nexclude = ["broken.pt"]\n')
    kept = run_mlwarden(tmp_path, "scan", "--hook", "models", "--format", "json")
    found = [(f["rule_id"], f["path"]) for f in json.loads(kept.stdout)["findings"]]
    assert found == [("MOD007", "other.pt")] and kept.returncode == 1
