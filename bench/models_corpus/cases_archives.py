"""Containers that carry pickles: torch (zip, legacy stream, legacy tar), joblib with every
compression, numpy, tar/tar.gz, 7z, zip in zip; tampered zip headers; archive members
that leave the extraction folder. Malicious objects reach the real writers (torch.save,
joblib.dump, numpy.save) as a `__reduce__` that returns `(os.system, ('echo pwned',))`:
writing them runs nothing.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from craft import (
    CMD,
    PROTO0_OS_SYSTEM,
    PROTO2,
    binint,
    break_crc,
    make_tar,
    make_zip,
    os_system,
    p2,
    rename_local_header,
    set_flag_bits,
    set_method,
)

if TYPE_CHECKING:
    from build import Corpus

NULLIFAI = (
    "https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face"
)
TORCH_SER = "https://github.com/pytorch/pytorch/blob/main/torch/serialization.py"
JOBLIB = "https://joblib.readthedocs.io/en/stable/persistence.html"
ZIP_SLIP = "https://security.snyk.io/research/zip-slip-vulnerability"
TAR_CVE = "CVE-2007-4559"


class Payload:
    """Pickles as `posix.system('echo pwned')`; never unpickled here."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.system, (CMD,))


def _torch_bytes(obj: object, name: str, **kwargs: Any) -> bytes:
    """What `torch.save(obj, <dir>/name)` writes (the archive folder follows the name)."""
    import tempfile

    import torch

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        torch.save(obj, path, **kwargs)
        return path.read_bytes()


def _tiny_state() -> dict[str, Any]:
    import torch

    torch.manual_seed(0)
    return dict(torch.nn.Linear(4, 2).state_dict())


def _evil_state() -> dict[str, Any]:
    return {**_tiny_state(), "config": Payload()}


def zip_tamper(c: Corpus) -> None:
    cls = "zip-tamper"
    evil = _torch_bytes(_evil_state(), "pytorch_model.bin")
    c.add(
        cls,
        "torch_zip_encrypted_flag",
        "pytorch_model.bin",
        set_flag_bits(evil, "data.pkl", 0x1),
        expect="malicious",
        source="CVE-2025-1945",
        what="torch zip whose data.pkl has the 'encrypted' flag bit set; torch ignores it, "
        "zipfile refuses the member",
    )
    c.add(
        cls,
        "torch_zip_flag_0x20",
        "model.pt",
        set_flag_bits(_torch_bytes(_evil_state(), "model.pt"), "data.pkl", 0x20),
        expect="malicious",
        source="CVE-2025-1945",
        what="torch zip with flag bit 0x20 (compressed patched data) on data.pkl",
    )
    name = "pytorch_model/data.pkl"
    c.add(
        cls,
        "torch_zip_name_mismatch",
        "pytorch_model.bin",
        rename_local_header(evil, "data.pkl", name[:-1] + "x"),
        expect="malicious",
        source="CVE-2025-1944",
        what="data.pkl's local header names another file than the central directory; "
        "torch reads by the directory, zipfile raises",
    )
    c.add(
        cls,
        "torch_zip_bad_crc",
        "pytorch_model.bin",
        break_crc(evil, "data.pkl"),
        expect="malicious",
        source="CVE-2025-10156",
        what="wrong CRC-32 for data.pkl; torch does not check it, zipfile raises",
    )
    c.add(
        cls,
        "torch_zip_bad_crc_benign",
        "pytorch_model.bin",
        break_crc(_torch_bytes(_tiny_state(), "pytorch_model.bin"), "data.pkl"),
        expect="benign",
        source="CVE-2025-10156",
        what="a harmless state_dict whose data.pkl has a wrong CRC-32 (torch loads it)",
    )
    c.add(
        cls,
        "torch_zip_unsupported_method",
        "pytorch_model.bin",
        set_method(evil, "data.pkl", 98),
        expect="fail-closed",
        source="https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT",
        what="data.pkl claims compression method 98 (PPMd): no reader can open it",
    )
    c.add(
        cls,
        "torch_zip_truncated",
        "pytorch_model.bin",
        evil[: len(evil) * 2 // 3],
        expect="fail-closed",
        source=TORCH_SER,
        what="torch zip cut short: no central directory",
    )


def archive_paths(c: Corpus) -> None:
    cls = "archive-paths"
    shell = b"echo pwned\n"
    config = b'{"model_type": "tiny"}\n'
    c.add(
        cls,
        "zip_dotdot_member",
        "model.zip",
        make_zip([("model/config.json", config), ("../../.bashrc", shell)]),
        expect="malicious",
        source=ZIP_SLIP,
        what="zip member `../../.bashrc`",
    )
    c.add(
        cls,
        "zip_absolute_member",
        "model.zip",
        make_zip([("model/config.json", config), ("/etc/cron.d/pwned", shell)]),
        expect="malicious",
        source=ZIP_SLIP,
        what="zip member with an absolute path",
    )
    c.add(
        cls,
        "tar_dotdot_member",
        "model.tar",
        make_tar([("model/config.json", config), ("../../.bashrc", shell)]),
        expect="malicious",
        source=TAR_CVE,
        what="tar member `../../.bashrc`",
    )
    c.add(
        cls,
        "targz_absolute_member",
        "model.tar.gz",
        make_tar([("model/config.json", config), ("/etc/cron.d/pwned", shell)], gz=True),
        expect="malicious",
        source=TAR_CVE,
        what="tar.gz member with an absolute path",
    )
    c.add(
        cls,
        "tar_symlink_escape",
        "model.tar",
        make_tar([("model/link/cron.d/pwned", shell)], links=[("model/link", "/etc")]),
        expect="malicious",
        source=TAR_CVE,
        what="tar symlink model/link -> /etc, then a file written through it",
    )
    c.add(
        cls,
        "zip_dotdot_inside_benign",
        "model.zip",
        make_zip([("model/./config.json", config), ("model/sub/../weights.txt", b"1 2 3\n")]),
        expect="benign",
        source=ZIP_SLIP,
        what="zip member names with `.` and `..` that stay inside the folder",
    )
    c.add(
        cls,
        "tar_dot_prefix_benign",
        "model.tar.gz",
        make_tar([("./model/config.json", config), ("./model/README.md", b"# tiny\n")], gz=True),
        expect="benign",
        source=TAR_CVE,
        what="tar.gz with the usual `./` member prefix",
    )


def _sklearn_model() -> Any:
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = make_classification(n_samples=60, n_features=5, random_state=0)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    forest = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(x, y)
    return {"pipeline": pipe, "forest": forest}


def _joblib(obj: object, compress: Any) -> Any:
    import joblib

    def write(path: Path) -> None:
        joblib.dump(obj, path, compress=compress)

    return write


def _torch_writer(obj: object, **kwargs: Any) -> Any:
    def write(path: Path) -> None:
        import torch

        torch.save(obj, path, **kwargs)

    return write


def _seven_zip(members: dict[str, bytes], password: str | None = None) -> Any:
    def write(path: Path) -> None:
        import py7zr

        with py7zr.SevenZipFile(
            path, "w", password=password, header_encryption=password is not None
        ) as archive:
            for name, data in members.items():
                archive.writestr(data, name)

    return write


def _legacy_torch_tar(payload: bytes) -> bytes:
    """The pre-1.0 torch.save tar layout that torch.load still reads (legacy_load)."""
    count0 = p2(binint(0))
    sys_info = pickle.dumps(
        {
            "protocol_version": 1001,
            "little_endian": True,
            "type_sizes": {"short": 2, "int": 4, "long": 4},
        },
        protocol=2,
    )
    return make_tar(
        [("sys_info", sys_info), ("pickle", payload), ("storages", count0), ("tensors", count0)]
    )


def containers(c: Corpus) -> None:
    import numpy as np

    cls = "pickle-container"
    evil = _evil_state()
    for case_id, name, what in (
        ("torch_zip_bin", "pytorch_model.bin", "torch.save zip, pytorch_model.bin"),
        ("torch_zip_pth", "model.pth", "torch.save zip, .pth"),
        ("torch_zip_no_extension", "model", "torch.save zip in a file without extension"),
        ("torch_zip_training_args", "training_args.bin", "torch.save zip, training_args.bin"),
    ):
        c.add(
            cls,
            case_id,
            name,
            _torch_writer(evil),
            expect="malicious",
            source=TORCH_SER,
            what=what + ", a state_dict entry calls os.system",
        )
    c.add(
        cls,
        "torch_zip_ckpt",
        "last.ckpt",
        _torch_writer({"state_dict": _tiny_state(), "hyper_parameters": Payload()}),
        expect="malicious",
        source=TORCH_SER,
        what="Lightning-style .ckpt with a payload",
    )
    c.add(
        cls,
        "torch_zip_other_folder",
        "consolidated.00.pth",
        _torch_bytes(evil, "x9q.pt"),
        expect="malicious",
        source=TORCH_SER,
        what="torch zip whose archive folder (x9q/) differs from the file name",
    )
    c.add(
        cls,
        "torch_zip_proto0_data_pkl",
        "model.pt",
        make_zip(
            [
                ("model/data.pkl", PROTO0_OS_SYSTEM),
                ("model/version", b"3\n"),
                ("model/byteorder", b"little"),
            ]
        ),
        expect="malicious",
        source=TORCH_SER,
        what="torch zip layout, data.pkl is protocol 0",
    )
    c.add(
        cls,
        "torch_legacy_stream",
        "model.pt",
        _torch_writer(evil, _use_new_zipfile_serialization=False),
        expect="malicious",
        source=TORCH_SER,
        what="legacy (non-zip) torch.save stream with a payload",
    )
    c.add(
        cls,
        "torch_legacy_tar",
        "model.pth.tar",
        _legacy_torch_tar(p2(os_system())),
        expect="malicious",
        source=TORCH_SER + " (legacy_load, tar format)",
        what="legacy torch tar (sys_info/pickle/storages/tensors), `pickle` calls os.system",
    )
    c.add(
        cls,
        "torch_legacy_tar_benign",
        "model.pth.tar",
        _legacy_torch_tar(p2(b"}")),
        expect="benign",
        source=TORCH_SER,
        what="legacy torch tar layout holding an empty dict",
    )
    nullifai_zip = make_zip(
        [
            ("archive/data.pkl", PROTO2 + os_system() + b"\x00\xffbroken"),
            ("archive/version", b"3\n"),
        ]
    )
    c.add(
        cls,
        "torch_zip_broken_pickle",
        "pytorch_model.bin",
        nullifai_zip,
        expect="malicious",
        source=NULLIFAI,
        what="torch zip whose data.pkl runs os.system, then breaks",
    )

    # joblib, every compression it writes.
    for method, suffix in (
        ("zlib", ".joblib"),
        ("gzip", ".joblib.gz"),
        ("bz2", ".joblib.bz2"),
        ("xz", ".joblib.xz"),
        ("lzma", ".joblib.lzma"),
        ("lz4", ".joblib.lz4"),
    ):
        c.add(
            cls,
            f"joblib_{method}",
            "model" + suffix,
            _joblib({"coef": np.arange(4.0), "hook": Payload()}, (method, 3)),
            expect="malicious",
            source=JOBLIB,
            what=f"joblib.dump(compress='{method}') payload",
        )
    c.add(
        cls,
        "joblib_plain",
        "model.joblib",
        _joblib({"coef": np.arange(4.0), "hook": Payload()}, 0),
        expect="malicious",
        source=JOBLIB,
        what="uncompressed joblib with a payload after an array",
    )
    model = _sklearn_model()
    for comp in (None, "zlib", "gzip", "bz2", "xz", "lzma", "lz4"):
        c.add(
            cls,
            f"sklearn_joblib_{comp or 'plain'}",
            "classifier.joblib",
            _joblib(model, (comp, 3) if comp else 0),
            expect="benign",
            source=JOBLIB,
            what=f"real scikit-learn pipeline + random forest, joblib "
            f"{'compress=' + comp if comp else 'uncompressed'}",
        )
    c.add(
        cls,
        "sklearn_pickle5",
        "classifier.pkl",
        pickle.dumps(model, protocol=5),
        expect="benign",
        source=JOBLIB,
        what="real scikit-learn models, pickle protocol 5",
    )
    c.add(
        cls,
        "sklearn_pickle_gz",
        "classifier.pkl.gz",
        gzip.compress(pickle.dumps(model, protocol=4), mtime=0),
        expect="benign",
        source=JOBLIB,
        what="real scikit-learn models, gzip-compressed pickle",
    )
    c.add(
        cls,
        "pickle_gz_payload",
        "model.pkl.gz",
        gzip.compress(p2(os_system()), mtime=0),
        expect="malicious",
        source=JOBLIB,
        what="gzip-compressed os.system pickle",
    )

    # numpy
    objects = np.empty(2, dtype=object)
    objects[0], objects[1] = "ok", Payload()
    c.add(
        cls,
        "npy_object_payload",
        "features.npy",
        lambda p: np.save(p, objects, allow_pickle=True),
        expect="malicious",
        source="https://numpy.org/doc/stable/reference/generated/numpy.load.html",
        what="object .npy whose pickle calls os.system",
    )
    c.add(
        cls,
        "npz_object_payload",
        "arrays.npz",
        lambda p: np.savez(p, w=np.ones(3), obj=objects),
        expect="malicious",
        source="https://numpy.org/doc/stable/reference/generated/numpy.load.html",
        what=".npz with an object member that calls os.system",
    )
    c.add(
        cls,
        "npy_float",
        "weights.npy",
        lambda p: np.save(p, np.arange(12.0).reshape(3, 4)),
        expect="benign",
        source="https://numpy.org/doc/stable/reference/generated/numpy.save.html",
        what="real float .npy",
    )
    strings = np.array(["cat", "dog", {"k": 1}], dtype=object)
    c.add(
        cls,
        "npy_object_benign",
        "labels.npy",
        lambda p: np.save(p, strings),
        expect="benign",
        source="https://numpy.org/doc/stable/reference/generated/numpy.save.html",
        what="object .npy of strings and a dict (pickled builtins only)",
    )
    c.add(
        cls,
        "npz_plain",
        "arrays.npz",
        lambda p: np.savez(p, a=np.ones(4), b=np.eye(2)),
        expect="benign",
        source="https://numpy.org/doc/stable/reference/generated/numpy.savez.html",
        what="real .npz",
    )
    c.add(
        cls,
        "npz_compressed",
        "arrays.npz",
        lambda p: np.savez_compressed(p, a=np.ones(4), b=np.eye(2)),
        expect="benign",
        source="https://numpy.org/doc/stable/reference/generated/numpy.savez.html",
        what="real compressed .npz",
    )

    # safetensors
    def st_numpy(path: Path) -> None:
        from safetensors.numpy import save_file

        save_file({"w": np.ones((2, 3), dtype=np.float32)}, str(path), metadata={"fmt": "np"})

    def st_torch(path: Path) -> None:
        from safetensors.torch import save_file

        save_file(_tiny_state(), str(path))

    c.add(
        cls,
        "safetensors_numpy",
        "model.safetensors",
        st_numpy,
        expect="benign",
        source="https://huggingface.co/docs/safetensors",
        what="real safetensors (numpy)",
    )
    c.add(
        cls,
        "safetensors_torch",
        "model.safetensors",
        st_torch,
        expect="benign",
        source="https://huggingface.co/docs/safetensors",
        what="real safetensors (torch)",
    )
    c.add(
        cls,
        "safetensors_header_past_eof",
        "model.safetensors",
        (10**9).to_bytes(8, "little") + b'{"w":{"dtype":"F32"',
        expect="fail-closed",
        source="https://huggingface.co/docs/safetensors",
        what="safetensors header length pointing past the end of the file",
    )

    # real torch checkpoints
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    optim = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.ones(1, 4)).sum().backward()
    optim.step()
    c.add(
        cls,
        "torch_state_dict",
        "pytorch_model.bin",
        _torch_writer(net.state_dict()),
        expect="benign",
        source=TORCH_SER,
        what="real torch.save of a state_dict (zip)",
    )
    c.add(
        cls,
        "torch_full_module",
        "model.pt",
        _torch_writer(net),
        expect="benign",
        source=TORCH_SER,
        what="real torch.save of a whole nn.Sequential (zip)",
    )
    c.add(
        cls,
        "torch_checkpoint_optim",
        "checkpoint.ckpt",
        _torch_writer({"epoch": 3, "model": net.state_dict(), "optim": optim.state_dict()}),
        expect="benign",
        source=TORCH_SER,
        what="real training checkpoint with SGD state",
    )
    c.add(
        cls,
        "torch_legacy_benign",
        "model_legacy.pt",
        _torch_writer(net.state_dict(), _use_new_zipfile_serialization=False),
        expect="benign",
        source=TORCH_SER,
        what="real legacy (non-zip) torch.save",
    )
    import argparse

    c.add(
        cls,
        "torch_training_args_namespace",
        "training_args.bin",
        _torch_writer(argparse.Namespace(lr=0.1, epochs=3, output_dir="out")),
        expect="benign",
        source=TORCH_SER,
        what="real torch.save of an argparse.Namespace (fairseq-style args)",
    )

    # bundles: tar, tar.gz (SageMaker), 7z, zip in zip
    evil_pt = _torch_bytes(evil, "model.pth")
    inference = b"def model_fn(model_dir):\n    return None\n"
    c.add(
        cls,
        "sagemaker_targz_payload",
        "model.tar.gz",
        make_tar([("model.pth", evil_pt), ("code/inference.py", inference)], gz=True),
        expect="malicious",
        source="https://docs.aws.amazon.com/sagemaker/latest/dg/"
        "realtime-endpoints-deploy-models.html",
        what="SageMaker model.tar.gz, model.pth calls os.system",
    )
    c.add(
        cls,
        "tar_pickle_payload",
        "model.tar",
        make_tar([("model.pkl", p2(os_system()))]),
        expect="malicious",
        source=TAR_CVE,
        what="plain .tar holding an os.system pickle",
    )

    def sklearn_bundle(path: Path) -> None:
        import joblib

        buf = io.BytesIO()
        joblib.dump(model, buf)
        path.write_bytes(
            make_tar([("model.joblib", buf.getvalue()), ("code/inference.py", inference)], gz=True)
        )

    c.add(
        cls,
        "sagemaker_targz_benign",
        "model.tar.gz",
        sklearn_bundle,
        expect="benign",
        source="https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-deploy-"
        "models.html",
        what="SageMaker model.tar.gz with a real scikit-learn joblib",
    )
    c.add(
        cls,
        "sevenzip_pickle_payload",
        "model.7z",
        _seven_zip({"model.pkl": p2(os_system())}),
        expect="malicious",
        source=NULLIFAI,
        what=".7z holding an os.system pickle",
    )
    c.add(
        cls,
        "sevenzip_nullifai_torch",
        "model.7z",
        _seven_zip(
            {
                "archive/data.pkl": PROTO2 + os_system() + b"\x00\xffbroken",
                "archive/version": b"3\n",
            }
        ),
        expect="malicious",
        source=NULLIFAI,
        what="nullifAI: torch layout packed with 7z, broken data.pkl with a payload",
    )

    def st_bytes() -> bytes:
        from safetensors.numpy import save

        return bytes(save({"w": np.ones(3, dtype=np.float32)}))

    c.add(
        cls,
        "sevenzip_benign",
        "model.7z",
        _seven_zip({"model.safetensors": st_bytes()}),
        expect="benign",
        source="https://py7zr.readthedocs.io/",
        what=".7z with safetensors",
    )
    c.add(
        cls,
        "sevenzip_encrypted",
        "model.7z",
        _seven_zip({"model.pkl": p2(os_system())}, password="secret"),
        expect="fail-closed",
        source="https://py7zr.readthedocs.io/",
        what="password-protected .7z (encrypted headers): its content cannot be judged",
    )
    c.add(
        cls,
        "zip_in_zip_torch",
        "bundle.zip",
        make_zip([("pytorch_model.bin", evil_pt), ("README.md", b"# model\n")]),
        expect="malicious",
        source=TORCH_SER,
        what="zip holding a malicious torch zip",
    )
    c.add(
        cls,
        "zip_in_zip_deflated",
        "bundle.zip",
        make_zip(
            [("inner.zip", make_zip([("pytorch_model.bin", evil_pt)]))],
            compress=zipfile.ZIP_DEFLATED,
        ),
        expect="malicious",
        source=TORCH_SER,
        what="deflated zip > zip > malicious torch zip (two levels)",
    )
    c.add(
        cls,
        "zip_member_proto0_noext",
        "model.zip",
        make_zip([("model/weights", PROTO0_OS_SYSTEM), ("model/config.json", b"{}")]),
        expect="malicious",
        source="https://docs.python.org/3/library/pickle.html",
        what="zip member without extension holding a protocol-0 os.system pickle",
    )
    c.add(
        cls,
        "zip_member_proto0_pkl",
        "model.zip",
        make_zip([("model.pkl", PROTO0_OS_SYSTEM)], compress=zipfile.ZIP_DEFLATED),
        expect="malicious",
        source="https://docs.python.org/3/library/pickle.html",
        what="deflated zip member model.pkl, protocol-0 os.system pickle",
    )
    c.add(
        cls,
        "gzip_corrupt",
        "model.pkl.gz",
        b"\x1f\x8b\x08\x00" + b"\x00" * 6 + b"\xff" * 40,
        expect="fail-closed",
        source="https://www.rfc-editor.org/rfc/rfc1952",
        what="gzip header followed by corrupt deflate data, under a model name",
    )
