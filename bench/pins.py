"""Benchmark: the pins hook on a generated corpus of dependency files with known answers.

    .venv/bin/python bench/pins.py            # BENCH_RUNS=5 whole-corpus runs, medians

The corpus (below, seeded) has requirements/constraints/.in files with
continuations, markers, extras, local versions, includes and a cycle; pyproject.toml with
and without uv.lock; conda environments; Dockerfiles; workflows; a pre-commit config;
typosquats generated from the popular list next to 56 real, less popular packages that
must stay quiet; and malformed TOML/YAML. Each line carries its expected rule ids.

Reported: recall and false positives per rule and per file kind, expected vs actual
errors, the whole-corpus time, per-file time (one run per file, in process: what a
one-file commit costs after interpreter start), and a monorepo scale run (500
requirements files plus one 10,000-line file).

Peers: OpenSSF Scorecard's Pinned-Dependencies needs a GitHub repository and network;
pip's --require-hashes works only at install time. Neither runs offline on files, so
there is no side-by-side column here.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from mlwarden.core.findings import HookResult
from mlwarden.core.runner import ScanRequest, run_scan

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


# --- the corpus: every line carries the rule ids it must trigger ---------------------------

SHA = "3f1c2e0d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
HASH = "--hash=sha256:" + "ab" * 32
DIGEST = "@sha256:" + "0" * 64
# Real, less popular PyPI packages: none may be reported as a typosquat.
LEGIT = (  # noqa: SIM905 - a word list reads best as words
    "jsonlines pyfiglet humanfriendly coloredlogs ydata-profiling sqlparse python-slugify "
    "unidecode emoji ftfy langdetect rapidfuzz thefuzz jellyfish textstat wordcloud bertopic "
    "keybert setfit gliner outlines lm-eval rouge-score sacrebleu bert-score torchinfo "
    "torchsummary pytorch-metric-learning segmentation-models-pytorch pretrainedmodels "
    "missingno sweetviz dtale pygwalker skorch pytorch-tabnet lifelines scikit-survival pyod "
    "tslearn pycaret autogluon flaml nevergrad ax-platform botorch gpytorch pyro-ppl numpyro "
    "pymc arviz emcee corner astropy healpy biopython rdkit deepchem mdtraj pymatgen "
).split()

# Package names from real requirement files of public ML projects (vllm, mlflow,
# pytorch-lightning, LLaMA-Factory, openai/whisper, stable-diffusion-webui and
# text-generation-webui), read through the code-search index. Only `pstuil` (a real typo
# of psutil in one of them) must be reported.
REAL_NAMES = (  # noqa: SIM905
    "absl-py accelerate aiohappyeyeballs aiohttp aiosignal annotated-types anyio argcomplete "
    "attrs audioread awscli backoff bitsandbytes black blobfile boto3 botocore "
    "bounded-pool-executor buildkite-test-collector certifi cffi chardet charset-normalizer "
    "click colorama contourpy cramjam cupy-cuda12x cycler datamodel-code-generator "
    "dataproperty datasets decorator dill dnspython docopt docutils einops einx "
    "email-validator encodec evaluate fastparquet fastrlock fastsafetensors filelock "
    "fonttools frozendict frozenlist fsspec genai-perf genson h11 hf-xet hiredis httpcore "
    "httpx huggingface-hub humanize idna inflect iniconfig isort jinja2 jiwer jmespath joblib "
    "jsonlines jsonschema jsonschema-specifications kaleido kiwisolver lazy-loader libnacl "
    "librosa llvmlite lm-eval lxml markdown-it-py markupsafe matplotlib mbstrdecoder mdurl "
    "mistral-common more-itertools mpmath msgpack multidict multiprocess mypy-extensions "
    "networkx nltk num2words numba numexpr numpy nvidia-cublas-cu12 nvidia-cuda-cupti-cu12 "
    "nvidia-cuda-nvrtc-cu12 nvidia-cuda-runtime-cu12 nvidia-cudnn-cu12 nvidia-cufft-cu12 "
    "nvidia-curand-cu12 nvidia-cusolver-cu12 nvidia-cusparse-cu12 nvidia-cusparselt-cu12 "
    "nvidia-nccl-cu12 nvidia-nvjitlink-cu12 nvidia-nvtx-cu12 opencv-python-headless packaging "
    "pandas pathspec pathvalidate patsy peft pillow platformdirs plotly pluggy pooch "
    "portalocker pqdm propcache protobuf psutil py pyarrow pyasn1 pybind11 pycparser "
    "pycryptodomex pydantic pydantic-core pygments pyparsing pytablewriter pytest "
    "pytest-asyncio pytest-forked pytest-mock pytest-rerunfailures pytest-shard "
    "pytest-timeout python-dateutil python-rapidjson pytz pyyaml rapidfuzz ray redis "
    "referencing regex requests responses rich rouge-score rpds-py rsa runai-model-streamer "
    "runai-model-streamer-s3 s3transfer sacrebleu safetensors scikit-learn scipy "
    "sentence-transformers sentencepiece setuptools shellingham six sniffio soundfile soxr "
    "sqlitedict statsmodels sympy tabledata tabulate tcolorpy tenacity tensorizer "
    "threadpoolctl tiktoken timm tokenizers torch torchaudio torchvision tqdm "
    "tqdm-multiprocess transformers transformers-stream-generator triton tritonclient typepy "
    "typer typing-extensions tzdata urllib3 vector-quantize-pytorch vocos word2number xxhash "
    "yarl zstandard cachetools blake3 py-cpuinfo fastapi openai prometheus_client "
    "prometheus-fastapi-instrumentator lm-format-enforcer llguidance outlines_core diskcache "
    "lark xgrammar typing_extensions partial-json-parser pyzmq msgspec gguf mistral_common "
    "compressed-tensors depyf cloudpickle watchfiles python-json-logger ninja pybase64 cbor2 "
    "ijson setproctitle openai-harmony anthropic model-hosting-container-standards mcp grpcio "
    "grpcio-reflection GitPython basicsr blendmodes clean-fid gfpgan gradio inflection "
    "jsonmerge kornia realesrgan omegaconf open-clip-torch pytorch_lightning piexif "
    "resize-right torchdiffeq torchsde apscheduler loguru pycryptodome python-redis-lock "
    "pymongo s3fs oss2 tomesd esdk-obs-python pymysql cchardet xformers gdown strenum "
    "supervision voluptuous rembg aiofiles gradio_client markdown wandb auto-gptq exllama "
    "llama-cpp-python ctransformers trl uvicorn sse-starlette fire av pytest-repeat "
    "pytest-cov pytest-xdist moto azure-storage-blob azure-storage-file-datalake "
    "azure-identity shap rouge_score textstat pyspark opentelemetry-exporter-otlp-proto-grpc "
    "opentelemetry-exporter-otlp-proto-http Flask-WTF polars dspy gepa optuna testcontainers "
    "litellm fakeredis claude-agent-sdk mxnet fastai spacy tensorflow lightning xgboost "
    "lightgbm catboost h2o onnx onnxruntime tf2onnx paddlepaddle holidays prophet pmdarima "
    "diviner setfit ffmpeg llama_index langchain promptflow coverage pytest-random-order "
    "onnxscript onnx-ir tensorboard "
).split()


@dataclass
class Doc:
    path: str
    kind: str
    lines: list[str] = field(default_factory=list)
    expected: list[tuple[str, int]] = field(default_factory=list)
    errors: int = 0  # expected ScanErrors for this file

    def add(self, text: str, *rules: str) -> Doc:
        self.lines.append(text)
        self.expected.extend((rule, len(self.lines)) for rule in rules)
        return self

    def text(self, newline: str = "\n") -> str:
        return newline.join(self.lines) + newline


def popular() -> list[str]:
    text = resources.files("mlwarden.data").joinpath("popular_packages.txt").read_text()
    return [n.strip() for n in text.splitlines() if n.strip() and not n.startswith("#")]


def typo(name: str, rng: random.Random, known: set[str]) -> str:
    """One realistic typo of `name` that is not itself a listed package."""
    for _ in range(50):
        op = rng.choice(("drop", "swap", "double", "sep", "py"))
        i = rng.randrange(1, len(name) - 1)
        if op == "drop":
            out = name[:i] + name[i + 1 :]
        elif op == "swap":
            out = name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]
        elif op == "double":
            out = name[:i] + name[i] + name[i:]
        elif op == "sep":
            out = name.replace("-", "") if "-" in name else name + "-py"
        else:
            out = "py" + name
        if out != name and out not in known and "--" not in out and not out.endswith("-"):
            return out
    raise ValueError(name)


def requirements_docs(rng: random.Random, names: list[str]) -> list[Doc]:
    docs = []
    for k in range(12):  # pinned and hashed, tricky syntax, no findings
        doc = Doc(f"svc{k}/requirements.txt", "requirements").add("# generated, hashed")
        for name in rng.sample(names, 4):
            doc.add(f"{name}==1.{k}.0 \\").add(f"    {HASH}  # via -r requirements.in")
        doc.add(f"torch==2.4.1+cu121 ; python_version >= '3.10' {HASH}")
        doc.add("--index-url https://${PIP_USER}:${PIP_TOKEN}@pypi.corp.example/simple")
        doc.add("-e .")
        docs.append(doc)
    for k in range(10):  # unpinned ranges, wildcards, extras, markers
        doc = Doc(f"proj{k}/requirements-dev.txt", "requirements")
        doc.add("black==24.8.0", "PIN002")
        doc.add("numpy>=1.24", "PIN001")
        doc.add("pandas==2.*", "PIN001")
        doc.add("scikit-learn[alldeps]~=1.5 ; sys_platform != 'win32'", "PIN001")
        doc.add("Pillow==10.4.0  # comment")
        doc.add("requests \\", "PIN001").add("  >=2.31")
        docs.append(doc)
    for k in range(6):  # index options
        doc = Doc(f"idx{k}/requirements.txt", "requirements")
        doc.add("--extra-index-url https://download.pytorch.org/whl/cu121", "PIN003")
        doc.add("--index-url http://pypi.internal/simple", "PIN004")
        doc.add("--trusted-host pypi.internal", "PIN004")
        doc.add("-f https://data.pyg.org/whl/torch-2.4.0+cu121.html", "PIN003")
        doc.add("--find-links ./wheels")
        index = "-i https://deploy:s3cr3tpass@pypi.corp.example/simple"  # pragma: allowlist secret
        doc.add(index, "PIN005")
        doc.add(f"torch==2.4.1 {HASH}")
        docs.append(doc)
    for k in range(6):  # VCS and URLs
        doc = Doc(f"vcs{k}/requirements.txt", "requirements")
        doc.add("mylib @ git+https://github.com/org/mylib@main", "PIN006")
        doc.add("git+https://github.com/org/other.git#egg=other", "PIN006")
        doc.add("-e git+https://github.com/org/third.git@v1.2.0#egg=third", "PIN006")
        doc.add(f"ok1 @ git+https://github.com/org/ok1@{SHA}")
        doc.add("https://example.com/a-1.0-py3-none-any.whl", "PIN007")
        doc.add("c @ https://example.com/c-1.0.tar.gz#sha256=" + "0" * 64)
        doc.add("-r https://raw.githubusercontent.com/org/r/main/requirements.txt", "PIN008")
        docs.append(doc)
    # include graph with constraints, and a cycle (an error, not a crash)
    docs.append(
        Doc("mono/requirements.txt", "requirements")
        .add("-r base/requirements.txt")
        .add("-c constraints.txt")
        .add("requests", "PIN002")
        .add("flask", "PIN001")
    )
    docs.append(Doc("mono/base/requirements.txt", "requirements").add("numpy==1.26.4", "PIN002"))
    docs.append(Doc("mono/constraints.txt", "requirements").add("requests==2.32.3"))
    cyc = Doc("cyc/requirements.txt", "requirements").add("-r requirements-dev.txt")
    cyc.add("tqdm==4.66.5", "PIN002")
    docs.append(cyc)
    dev = Doc("cyc/requirements-dev.txt", "requirements").add("-r requirements.txt")
    dev.add("pytest==8.3.3", "PIN002")
    dev.errors = 1
    docs.append(dev)
    docs.append(
        Doc("cmp/requirements.in", "requirements").add("numpy>=1.24").add("torchtriton", "PIN020")
    )
    return docs


def typosquat_docs(rng: random.Random, names: list[str], known: set[str]) -> list[Doc]:
    docs = []
    long_names = [n for n in names if len(n) >= 6 and not n.startswith("nvidia")]
    for k in range(8):
        doc = Doc(f"squat{k}/requirements.txt", "typosquat").add("--require-hashes")
        for name in rng.sample(long_names, 5):
            doc.add(f"{typo(name, rng, known)}==1.0.0 {HASH}", "PIN019")
        for name in LEGIT[k * 7 : k * 7 + 7]:
            doc.add(f"{name}==1.0.0 {HASH}")
        docs.append(doc)
    return docs


def real_names_doc() -> Doc:
    doc = Doc("real/requirements.txt", "real-names").add("--require-hashes")
    for name in REAL_NAMES:
        doc.add(f"{name}==1.0.0 {HASH}")
    return doc.add(f"pstuil==1.0.0 {HASH}", "PIN019")


def pyproject_docs() -> list[Doc]:
    docs = []
    for k in range(4):
        doc = Doc(f"lib{k}/pyproject.toml", "pyproject").add("[project]").add('name = "lib"')
        doc.add("dependencies = [").add('  "torch>=2.1",', "PIN009").add('  "numpy==1.26.4",')
        doc.add("]")
        docs.append(doc)
    for k in range(4):
        doc = Doc(f"app{k}/pyproject.toml", "pyproject").add("[project]").add('name = "app"')
        doc.add("dependencies = [").add('  "torch>=2.1",').add('  "pandas>=2.2,<3",', "PIN010")
        doc.add('  "rich>=13",', "PIN010").add("]").add("[tool.uv]")
        doc.add('index-strategy = "unsafe-best-match"', "PIN011")
        doc.add('extra-index-url = ["https://download.pytorch.org/whl/cu121"]', "PIN003")
        doc.add("[[tool.uv.index]]").add('url = "https://download.pytorch.org/whl/cu124"')
        doc.add("explicit = true").add("[tool.uv.sources]")
        doc.add('mylib = { git = "https://github.com/org/mylib", tag = "v1" }', "PIN006")
        docs.append(doc)
        lock = Doc(f"app{k}/uv.lock", "lock").add("version = 1")
        for name, version in (("torch", "2.4.1"), ("pandas", "2.1.4")):
            lock.add("[[package]]").add(f'name = "{name}"').add(f'version = "{version}"')
        docs.append(lock)
    return docs


def conda_docs() -> list[Doc]:
    docs = []
    for k in range(5):
        doc = Doc(f"env{k}/environment.yml", "conda").add("name: ml").add("channels:")
        doc.add("  - conda-forge").add("  - some-user", "PIN012").add("dependencies:")
        doc.add("  - python=3.11", "PIN013").add("  - numpy=1.26.4").add("  - pandas>=2", "PIN013")
        doc.add("  - cudatoolkit 11.8.0 h37601d7_11").add("  - pip:")
        doc.add("      - transformers==4.44.2").add("      - accelerate", "PIN001")
        doc.add("      - --extra-index-url https://download.pytorch.org/whl/cu121", "PIN003")
        docs.append(doc)
    return docs


def docker_docs() -> list[Doc]:
    docs = []
    for k in range(6):
        doc = Doc(f"img{k}/Dockerfile", "docker").add("FROM python:3.11-slim AS build", "PIN014")
        doc.add(f"FROM nvidia/cuda:12.1.0-runtime-ubuntu22.04{DIGEST}").add("FROM build")
        doc.add("RUN apt-get update && apt-get install -y curl \\")
        doc.add("    && pip install --no-cache-dir torch==2.4.1 \\").add(
            "        transformers \\", "PIN015"
        )
        doc.add("    && curl -fsSL https://example.com/install.sh | bash", "PIN016")
        doc.add("RUN pip install -r requirements.txt && pip install -e .")
        doc.add('RUN ["pip", "install", "requests"]', "PIN015")
        docs.append(doc)
    return docs


def actions_docs() -> list[Doc]:
    docs = []
    for k in range(6):
        doc = Doc(f".github/workflows/ci{k}.yml", "workflow").add("on: [push]").add("jobs:")
        doc.add("  t:").add("    runs-on: ubuntu-latest").add("    steps:")
        doc.add("      - uses: actions/checkout@v4", "PIN017")
        doc.add(f"      - uses: actions/setup-python@{SHA} # v5")
        doc.add("      - uses: ./.github/actions/local")
        doc.add("      - run: |").add("          pip install -r requirements.txt")
        doc.add("          pip install ruff==0.6.9 pytest", "PIN015")
        docs.append(doc)
    pre = Doc(".pre-commit-config.yaml", "precommit").add("repos:")
    pre.add("  - repo: https://github.com/pre-commit/pre-commit-hooks").add("    rev: v4.6.0")
    pre.add("  - repo: https://github.com/psf/black").add("    rev: main", "PIN018")
    pre.add("  - repo: local").add("    hooks: []")
    docs.append(pre)
    return docs


def bad_input_docs() -> list[Doc]:
    bad = [
        Doc("broken/pyproject.toml", "bad").add("[project").add("name ="),
        Doc("broken/environment.yml", "bad").add("channels: [a"),
        Doc(".github/workflows/broken.yml", "bad").add("jobs:").add("  x: {"),
    ]
    for doc in bad:
        doc.errors = 1
    return bad


def corpus(seed: int = 7) -> list[Doc]:
    rng = random.Random(seed)
    names = popular()
    return [
        *requirements_docs(rng, names),
        *typosquat_docs(rng, names, set(names)),
        real_names_doc(),
        *pyproject_docs(),
        *conda_docs(),
        *docker_docs(),
        *actions_docs(),
        *bad_input_docs(),
    ]


# --- measuring ------------------------------------------------------------------------


def write(root: Path, docs: list[Doc]) -> None:
    for k, doc in enumerate(docs):
        path = root / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        # every fifth file uses CRLF line endings
        path.write_bytes(doc.text("\r\n" if k % 5 == 4 else "\n").encode())


def scan(root: Path, files: list[str]) -> tuple[HookResult, float]:
    # Through the one runner, as `mlwarden scan --hook pins FILES` judges them (no cache:
    # every run must judge every file).
    request = ScanRequest(hooks=("pins",), paths=tuple(files), cache=False, jobs=1)
    start = time.perf_counter()
    report = run_scan(request, cwd=root)
    return HookResult(report.findings, report.errors), time.perf_counter() - start


def score(docs: list[Doc], result: HookResult) -> list[str]:
    expected = Counter((rule, doc.path, line) for doc in docs for rule, line in doc.expected)
    actual = Counter((f.rule_id, f.location.path, f.location.line) for f in result.findings)
    kinds = {doc.path: doc.kind for doc in docs}
    rows = ["| rule | expected | found | recall | false positives |", "|---|---|---|---|---|"]
    rules = sorted({key[0] for key in expected} | {key[0] for key in actual})
    for rule in rules:
        exp = sum(n for key, n in expected.items() if key[0] == rule)
        hit = sum(min(n, actual[key]) for key, n in expected.items() if key[0] == rule)
        fp = sum(max(0, n - expected[key]) for key, n in actual.items() if key[0] == rule)
        rows.append(
            f"| {rule} | {exp} | {hit} | {hit / exp:.0%} | {fp} |"
            if exp
            else f"| {rule} | 0 | 0 | - | {fp} |"
        )
    total = sum(expected.values())
    hit = sum(min(n, actual[key]) for key, n in expected.items())
    fps = [key for key, n in actual.items() for _ in range(max(0, n - expected[key]))]
    misses = [key for key, n in expected.items() for _ in range(max(0, n - actual[key]))]
    rows.append(f"| **all** | {total} | {hit} | {hit / total:.1%} | {len(fps)} |")
    by_kind = Counter(kinds.get(p, "?") for _, p, _ in fps)
    rows.append("")
    rows.append(f"false positives by kind: {dict(by_kind) or 'none'}")
    for key in fps[:10]:
        rows.append(f"- FP {key}")
    for key in misses[:10]:
        rows.append(f"- missed {key}")
    want_errors = sum(doc.errors for doc in docs)
    rows.append(
        f"errors: expected {want_errors}, got {len(result.errors)} "
        f"({'; '.join(f'{e.path}: {e.message}' for e in result.errors)})"
    )
    return rows


def per_file(root: Path, docs: list[Doc]) -> list[str]:
    times: dict[str, list[float]] = {}
    for doc in docs:
        _, seconds = scan(root, [doc.path])
        times.setdefault(doc.kind, []).append(seconds * 1000)
    rows = ["| kind | files | median ms | max ms |", "|---|---|---|---|"]
    for kind, values in sorted(times.items()):
        rows.append(
            f"| {kind} | {len(values)} | {statistics.median(values):.1f} | {max(values):.1f} |"
        )
    return rows


def scale(root: Path, docs: list[Doc]) -> list[str]:
    sources = [doc for doc in docs if doc.path.endswith("requirements-dev.txt")]
    files: list[str] = []
    for k in range(500):
        path = root / f"mono/svc{k}/requirements.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sources[k % len(sources)].text())
        files.append(path.relative_to(root).as_posix())
    big = root / "mono/requirements-big.txt"
    big.write_text("".join(f"pkg-{i}=={i}.0.1\n" for i in range(10_000)))
    files.append(big.relative_to(root).as_posix())
    times = []
    for _ in range(max(1, RUNS // 2)):
        result, seconds = scan(root, files)
        times.append(seconds)
    return [
        "| monorepo | files | findings | median s |",
        "|---|---|---|---|",
        f"| 500 requirements files + one 10,000-line file | {len(files)} | "
        f"{len(result.findings)} | {statistics.median(times):.2f} |",
    ]


def main() -> int:
    docs = corpus()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        write(root, docs)
        os.chdir(root)
        files = [doc.path for doc in docs]
        times = []
        for _ in range(RUNS):
            result, seconds = scan(root, files)
            times.append(seconds)
        print(
            f"## pins hook: {len(docs)} generated files, "
            f"{sum(len(d.expected) for d in docs)} expected findings\n"
        )
        print("\n".join(score(docs, result)))
        print(
            f"\nwhole corpus, one run: median {statistics.median(times) * 1000:.0f} ms "
            f"over {RUNS} runs (min {min(times) * 1000:.0f} ms)\n"
        )
        print("\n".join(per_file(root, docs)))
        print()
        print("\n".join(scale(root, docs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
