"""Benchmark: `mlwarden scan --hook secrets` vs `detect-secrets scan`, side by side.

Builds a git repository of >= 60k lines of realistic ML code, configs, lock files, DVC
files and notebooks (with base64 plot outputs) in a temp dir, plants known secrets at
known lines, then runs both tools 5 times each (alternating) and reports the median
wall time, the time ratio, recall on the planted secrets and false positives (findings
on lines where nothing was planted). Nothing is written into the repository.

    python bench/secrets.py [--runs 5] [--lines 62000] [--keep DIR]

detect-secrets is taken from $DETECT_SECRETS, else next to this Python, else PATH.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# The token layouts the provider corpus writes (one writer for both benchmarks).
from secrets_providers.gen import crc32_b62, pypi_token

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
Plant = tuple[str, str]  # (family, line text)


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def s(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.s(n, HEX)

    def github(self) -> str:
        """`ghp_` + 30 random characters + their CRC-32 in 6 base62 digits (GitHub's layout)."""
        body = self.s(30)
        return f"ghp_{body}{crc32_b62(body)}"

    def pypi(self) -> str:
        """`pypi-` + base64url of a v2 macaroon located at pypi.org (PyPI's layout)."""
        identifier = self.uuid()
        key = bytes(self.r.randrange(256) for _ in range(32))
        return pypi_token(identifier, '{"version": 1, "permissions": "user"}', key)

    def uuid(self) -> str:
        return "-".join(self.hex(n) for n in (8, 4, 4, 4, 12))

    def word(self) -> str:
        return self.r.choice(
            [
                "model",
                "data",
                "train",
                "eval",
                "loss",
                "batch",
                "layer",
                "token",
                "cache",
                "encoder",
                "decoder",
                "vision",
                "text",
                "audio",
                "sample",
                "metric",
                "score",
                "feature",
                "label",
                "split",
                "shard",
                "run",
                "epoch",
                "step",
            ]
        )


# --- planted secrets: (family, how it appears in a file) ----------------------------------


def python_plants(g: Gen) -> list[Plant]:
    s, h = g.s, g.hex
    return [
        ("huggingface", f'HF_TOKEN = "hf_{s(34)}"'),
        ("huggingface", f'    login(token="hf_{s(34)}")'),
        ("openai", f'client = OpenAI(api_key="sk-proj-{s(74, ALNUM + "_-")}T3BlbkFJ{s(40)}")'),
        ("openai", f'openai.api_key = "sk-{s(20)}T3BlbkFJ{s(20)}"'),
        ("anthropic", f'client = anthropic.Anthropic(api_key="sk-ant-api03-{s(93)}AA")'),
        ("replicate", f'os.environ["REPLICATE_API_TOKEN"] = "r8_{s(37)}"'),
        ("wandb", f'wandb.login(key="{h(40)}")'),
        ("wandb", f'os.environ["WANDB_API_KEY"] = "{h(40)}"'),
        ("databricks", f'DATABRICKS_TOKEN = "dapi{h(32)}"'),
        ("kaggle", f'os.environ["KAGGLE_KEY"] = "{h(32)}"'),
        ("groq", f'groq_client = Groq(api_key="gsk_{s(52)}")'),
        ("perplexity", f'PPLX_API_KEY = "pplx-{s(48)}"'),
        ("together", f'together.api_key = "tgp_v1_{s(43)}"'),
        ("pinecone", f'pc = Pinecone(api_key="pcsk_{s(6)}_{s(63)}")'),
        ("pinecone", f'pc = Pinecone(api_key="{g.uuid()}")'),
        ("langsmith", f'os.environ["LANGCHAIN_API_KEY"] = "lsv2_pt_{h(32)}_{h(10)}"'),
        ("langfuse", f'langfuse = Langfuse(secret_key="sk-lf-{g.uuid()}")'),
        ("google", f'genai.configure(api_key="AIza{s(35)}")'),
        ("xai", f'XAI_API_KEY = "xai-{s(80)}"'),
        ("openrouter", f'OPENROUTER_KEY = "sk-or-v1-{h(64)}"'),
        ("nvidia", f'client = OpenAI(base_url=NIM_URL, api_key="nvapi-{s(64)}")'),
        ("aws", f'aws_access_key_id="AKIA{s(16, string.ascii_uppercase + string.digits)}"'),
        ("aws", f'aws_secret_access_key = "{s(40, ALNUM + "/+")}"'),
        ("github", f'GITHUB_TOKEN = "{g.github()}"'),
        ("cohere", f'co = cohere.Client("{s(40)}")'),
        ("mistral", f'client = Mistral(api_key="{s(32)}")'),
        ("azure", f'client = AzureOpenAI(api_key="{h(32)}", api_version="2024-02-01")'),
        ("comet", f'experiment = Experiment(api_key="{s(25)}", project_name="llm")'),
        ("neptune", f'run = neptune.init_run(api_token="eyJhcGlfYWRkcmVzcyI6{s(130)}==")'),
        ("mlflow", f'mlflow.set_tracking_uri("https://mlops:{s(20)}@mlflow.internal.example")'),
        ("database", f'DB_URL = "postgresql://trainer:{s(16)}@db.internal:5432/features"'),
        ("password", f'DB_PASSWORD = "{s(6)}#{s(5, string.digits)}{s(3)}"'),
        ("generic", f'self.api_token = "{s(32)}"'),
        (
            "slack",
            f'SLACK_BOT_TOKEN = "xoxb-{s(12, string.digits)}-{s(13, string.digits)}-{s(24)}"',
        ),
        ("stripe", f'stripe.api_key = "sk_live_{s(32)}"'),
    ]


def env_plants(g: Gen) -> list[Plant]:
    s, h = g.s, g.hex
    return [
        ("huggingface", f"HF_TOKEN=hf_{s(34)}"),
        ("openai", f"OPENAI_API_KEY=sk-proj-{s(74, ALNUM + '_-')}T3BlbkFJ{s(74, ALNUM + '_-')}"),
        ("anthropic", f"export ANTHROPIC_API_KEY=sk-ant-api03-{s(93)}AA"),
        ("wandb", f"WANDB_API_KEY={h(40)}"),
        ("wandb", f"WANDB_API_KEY=wandb_v1_{s(77)}"),
        ("kaggle", f"KAGGLE_KEY={h(32)}"),
        ("kaggle", f"KAGGLE_API_TOKEN=KGAT_{h(32)}"),
        ("mistral", f"MISTRAL_API_KEY={s(32)}"),
        ("cohere", f"COHERE_API_KEY={s(40)}"),
        ("deepseek", f"DEEPSEEK_API_KEY=sk-{h(32)}"),
        ("pypi", f"TWINE_PASSWORD={g.pypi()}"),
        ("docker", f"DOCKERHUB_TOKEN=dckr_pat_{s(27)}"),
        ("github", f"GH_PAT=github_pat_{s(22)}_{s(59)}"),
        ("mlflow", f"MLFLOW_TRACKING_URI=https://ml:{s(18)}@mlflow.corp.example"),
        ("generic", f"SERVICE_AUTH_TOKEN={s(40)}"),
        ("password", f"POSTGRES_PASSWORD={s(8)}{s(4, string.digits)}"),
    ]


def yaml_plants(g: Gen) -> list[Plant]:
    s, h = g.s, g.hex
    return [
        ("wandb", f"  wandb_api_key: {h(40)}"),
        ("huggingface", f"  hub_token: hf_{s(34)}"),
        ("generic", f"  api_token: {s(36)}"),
        ("password", f"  password: {s(7)}!{s(4, string.digits)}"),
        ("azure", f"  azure_openai_api_key: {h(32)}"),
        ("database", f"  url: mysql://etl:{s(14)}@10.0.3.7:3306/labels"),
    ]


# --- realistic filler --------------------------------------------------------------------


def py_module(g: Gen, n_lines: int) -> list[str]:
    r, h, w = g.r, g.hex, g.word
    blocks: list[Callable[[], list[str]]] = [
        lambda: [
            "import os",
            "import json",
            "import hashlib",
            "from pathlib import Path",
            "import torch",
            "from transformers import AutoModelForCausalLM, AutoTokenizer",
            "",
        ],
        lambda: [
            "@dataclass",
            f"class {w().title()}Config:",
            f"    lr: float = {r.random():.5f}",
            f"    batch_size: int = {r.choice([8, 16, 32, 64])}",
            f'    model_name: str = "meta-llama/Llama-3.1-{r.choice([8, 70])}B"',
            f'    revision: str = "{h(40)}"',
            f"    seed: int = {r.randint(0, 9999)}",
            '    hf_token_env: str = "HF_TOKEN"',
            "",
        ],
        lambda: [
            f"def train_{w()}(model, loader, optimizer):",
            "    model.train()",
            "    for step, batch in enumerate(loader):",
            "        out = model(**batch)",
            "        out.loss.backward()",
            "        optimizer.step()",
            "        optimizer.zero_grad()",
            "        if step % 100 == 0:",
            '            print(f"step {step} loss {out.loss.item():.4f}")',
            "",
        ],
        lambda: [
            "EXPECTED_SHA256 = {",
            *(f'    "{w()}_{i}.safetensors": "{h(64)}",' for i in range(r.randint(2, 6))),
            "}",
            "",
        ],
        lambda: [
            "tokenizer = AutoTokenizer.from_pretrained(MODEL, revision=REVISION)",
            "tokenizer.pad_token = tokenizer.eos_token",
            'tokenizer.add_special_tokens({"pad_token": "<pad>"})',
            f"max_new_tokens = {r.choice([128, 256, 512])}",
            "token_ids = tokenizer(prompt)['input_ids']",
            "",
        ],
        lambda: [
            "path = hf_hub_download(",
            f'    repo_id="{w()}-org/{w()}-{w()}",',
            '    filename="model.safetensors",',
            f'    revision="{h(40)}",',
            '    token=os.environ.get("HF_TOKEN"),',
            ")",
            "",
        ],
        lambda: [
            'wandb.login(key=os.environ["WANDB_API_KEY"])',
            f'run = wandb.init(project="{w()}-{w()}", id="{h(8)}", resume="allow")',
            f'RUN_ID = "{g.uuid()}"',
            "",
        ],
        lambda: [
            'mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])',
            f'mlflow.set_experiment("{w()}-experiments")',
            "",
        ],
        lambda: [
            "def cache_key_for(sample: dict) -> str:",
            '    """The cache key of a sample: a hash, not a secret token."""',
            "    cache_key = hashlib.sha256(json.dumps(sample).encode()).hexdigest()",
            "    return cache_key",
            "",
        ],
        lambda: [
            "key = jax.random.PRNGKey(0)",
            "key, subkey = jax.random.split(key)",
            f'COMMIT = "{h(40)}"',
            f'DATASET_MD5 = "{h(32)}"',
            "",
        ],
        lambda: [
            'parser.add_argument("--hf-token", default=None, help="Hub token")',
            'parser.add_argument("--api-key", default=os.getenv("OPENAI_API_KEY"))',
            'api_key = args.api_key or os.environ["OPENAI_API_KEY"]',
            "",
        ],
        lambda: [
            'headers = {"Authorization": f"Bearer {os.environ[\'API_TOKEN\']}"}',
            f'BASE_URL = "https://api.{w()}.example.com/v1"',
            "",
        ],
    ]
    lines: list[str] = []
    while len(lines) < n_lines:
        lines.extend(r.choice(blocks)())
    return lines[:n_lines]


def yaml_config(g: Gen, n: int) -> list[str]:
    r, h, w = g.r, g.hex, g.word
    lines = [
        "model:",
        f"  name: {w()}-{w()}-7b",
        f"  revision: {h(40)}",
        "tokenizer:",
        "  pad_token: '<pad>'",
        "  max_new_tokens: 256",
        "training:",
        f"  lr: {r.random():.6f}",
        "  secrets_from_env: true",
        "  hub_token: ${HF_TOKEN}",
        "  password: ${DB_PASSWORD}",
        "data:",
    ]
    while len(lines) < n:
        lines += [
            f"  - path: s3://{w()}-bucket/{w()}/{h(8)}.parquet",
            f"    md5: {h(32)}",
            f"    rows: {r.randint(100, 10**6)}",
        ]
    return lines[:n]


def dvc_file(g: Gen) -> list[str]:
    return [
        "outs:",
        f"- md5: {g.hex(32)}.dir",
        f"  size: {g.r.randint(10**5, 10**9)}",
        f"  nfiles: {g.r.randint(1, 999)}",
        f"  path: {g.word()}",
    ]


def lock_file(g: Gen, n: int) -> list[str]:
    lines: list[str] = []
    while len(lines) < n:
        name = f"{g.word()}-{g.word()}"
        lines += [
            "[[package]]",
            f'name = "{name}"',
            f'version = "{g.r.randint(0, 9)}.1.0"',
            "files = [",
            f'    {{file = "{name}.whl", hash = "sha256:{g.hex(64)}"}},',
            "]",
            "",
        ]
    return lines[:n]


def notebook(g: Gen, plants: list[Plant], n_cells: int) -> tuple[str, list[tuple[str, str]]]:
    """A Jupyter-written notebook; returns its text and the plant lines' needles."""
    cells: list[dict[str, object]] = []
    needles: list[tuple[str, str]] = []
    for i in range(n_cells):
        src = [line + "\n" for line in py_module(g, g.r.randint(4, 12))]
        outputs: list[dict[str, object]] = [
            {
                "name": "stdout",
                "output_type": "stream",
                "text": [f"epoch {e} loss {g.r.random():.4f}\n" for e in range(4)],
            }
        ]
        if i % 3 == 0:  # a plot: base64 PNG, the classic false positive
            png = base64.b64encode(b"\x89PNG\r\n" + os.urandom(6000)).decode()
            outputs.append(
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": png, "text/plain": ["<Figure size 640x480>"]},
                }
            )
        if plants and g.r.random() < 0.4:
            family, text = plants.pop()
            if g.r.random() < 0.5:
                src.insert(g.r.randint(0, len(src)), text + "\n")
            else:
                outputs.append({"name": "stdout", "output_type": "stream", "text": [text + "\n"]})
            needles.append((family, text))
        cells.append(
            {
                "cell_type": "code",
                "execution_count": i + 1,
                "id": g.hex(8),
                "metadata": {},
                "outputs": outputs,
                "source": src,
            }
        )
    doc = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", needles


# --- building the corpus -----------------------------------------------------------------


def build(root: Path, target_lines: int, seed: int = 2024) -> set[tuple[str, int, str]]:
    """Write the corpus; return the planted (path, line, family)."""
    g = Gen(seed)
    planted: set[tuple[str, int, str]] = set()

    def put(path: str, lines: list[str], plants: Sequence[Plant] = ()) -> None:
        lines = list(lines)
        for _, text in plants:
            lines.insert(g.r.randint(1, max(1, len(lines) - 1)), text)
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        for n, line in enumerate(lines, 1):
            for family, text in plants:
                if line == text:
                    planted.add((path, n, family))

    py_plants = python_plants(g) + python_plants(Gen(seed + 1))
    total = 0
    i = 0
    while total < target_lines * 0.62:
        n = g.r.randint(120, 400)
        mine = [py_plants.pop()] if py_plants and i % 2 == 0 else []
        put(f"src/pkg{i % 9}/{g.word()}_{i}.py", py_module(g, n), mine)
        total += n
        i += 1
    envs = env_plants(g)
    for k in range(8):
        put(
            f"deploy/env{k}/.env",
            [f"# env {k}", "LOG_LEVEL=info", f"RUN_GROUP={g.hex(40)}", "HF_HOME=/cache/hf"],
            envs[k * 2 : k * 2 + 2],
        )
    yplants = yaml_plants(g)
    for k in range(60):
        put(f"configs/{g.word()}_{k}.yaml", yaml_config(g, 80), [yplants[k]] if k < 6 else [])
    total += 60 * 80
    for k in range(120):
        put(f"data/{g.word()}_{k}.dvc", dvc_file(g))
    put("poetry.lock", lock_file(g, 5000))
    put(
        "requirements.txt",
        [
            f"{g.word()}-{g.word()}=={g.r.randint(0, 9)}.0 --hash=sha256:{g.hex(64)}"
            for _ in range(600)
        ],
        [("index", f"--extra-index-url https://__token__:{g.s(32)}@pypi.corp.example/simple")],
    )
    put(
        "docs/setup.md",
        [
            "# Setup",
            "Export `HF_TOKEN=hf_...` and `WANDB_API_KEY=<key>`.",
            "Never commit `sk-proj-...` keys.",
        ]
        * 200,
    )
    put("kaggle.json", [f'{{"username":"ds-team","key":"{g.hex(32)}"}}'], [])
    planted.add(("kaggle.json", 1, "kaggle"))
    put(".netrc", ["machine api.wandb.ai", "  login user", f"  password {g.hex(40)}"])
    planted.add((".netrc", 3, "wandb"))
    key_body = "\n".join(g.s(64, ALNUM + "+/") for _ in range(20))
    put(
        "deploy/id_rsa",
        [
            "-----BEGIN RSA PRIVATE KEY-----",
            *key_body.splitlines(),
            "-----END RSA PRIVATE KEY-----",
        ],
    )
    planted.add(("deploy/id_rsa", 1, "private-key"))
    sa = {
        "type": "service_account",
        "project_id": "ml-prod",
        "private_key_id": g.hex(40),
        "private_key": "-----BEGIN PRIVATE KEY-----\n" + g.s(64) + "\n-----END PRIVATE KEY-----\n",
        "client_email": "trainer@ml-prod.iam.gserviceaccount.com",
    }
    put("deploy/sa.json", json.dumps(sa, indent=2).splitlines())
    planted.add(("deploy/sa.json", 5, "gcp"))
    nb_plants = python_plants(Gen(seed + 2))[:12]
    for k in range(40):
        text, needles = notebook(g, nb_plants, 8)
        path = f"notebooks/{g.word()}_{k}.ipynb"
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
        raw = text.splitlines()
        for family, needle in needles:
            encoded = json.dumps(needle + "\n")[1:-1]
            planted.update((path, n, family) for n, line in enumerate(raw, 1) if encoded in line)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return planted


def count_lines(root: Path) -> int:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.split(b"\0")
    return sum((root / f.decode()).read_bytes().count(b"\n") for f in files if f)


# --- running the tools -------------------------------------------------------------------


def run_mlwarden(root: Path, mlwarden: str) -> tuple[float, set[tuple[str, int]]]:
    start = time.perf_counter()
    done = subprocess.run(
        [mlwarden, "scan", "--hook", "secrets", "--format", "json", "--no-progress"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"mlwarden failed: {done.stderr}")
    data = json.loads(done.stdout)
    return elapsed, {(f["path"], f["line"]) for f in data["findings"]}


def run_detect_secrets(root: Path, exe: str) -> tuple[float, set[tuple[str, int]]]:
    start = time.perf_counter()
    done = subprocess.run([exe, "scan"], cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"detect-secrets failed: {done.stderr}")
    data = json.loads(done.stdout)
    return elapsed, {
        (path, s["line_number"]) for path, items in data["results"].items() for s in items
    }


def _kind(path: str) -> str:
    name = Path(path).name
    if name in ("poetry.lock", "requirements.txt") or name.endswith(".dvc"):
        return "lock / requirements / DVC (hashes)"
    if name.endswith(".ipynb"):
        return "notebooks (plots, outputs)"
    if name.endswith(".yaml"):
        return "YAML configs (revisions, md5)"
    if name.endswith(".py"):
        return "Python (SHAs, checksums, run ids)"
    return "other"


def find_detect_secrets() -> str | None:
    env = os.environ.get("DETECT_SECRETS")
    if env:
        return env if Path(env).exists() else None
    local = Path(sys.executable).with_name("detect-secrets")
    return str(local) if local.exists() else shutil.which("detect-secrets")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=62000)
    parser.add_argument("--keep", metavar="DIR", help="build the corpus here and keep it")
    args = parser.parse_args()
    mlwarden = str(Path(sys.executable).with_name("mlwarden"))
    peer = find_detect_secrets()
    if peer is None:
        print("detect-secrets not found (set DETECT_SECRETS); skipping the benchmark")
        return 0
    with tempfile.TemporaryDirectory(prefix="mlwarden-bench-secrets-") as tmp:
        root = Path(args.keep) if args.keep else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        planted = build(root, args.lines)
        lines = count_lines(root)
        plant_lines = {(p, n) for p, n, _ in planted}
        times: dict[str, list[float]] = {"mlwarden": [], "detect-secrets": []}
        found: dict[str, set[tuple[str, int]]] = {}
        for _ in range(args.runs):
            t, found["mlwarden"] = run_mlwarden(root, mlwarden)
            times["mlwarden"].append(t)
            t, found["detect-secrets"] = run_detect_secrets(root, peer)
            times["detect-secrets"].append(t)
        five = sorted(p for p in {p for p, _ in plant_lines} if p.endswith(".py"))[:5]
        start = time.perf_counter()
        subprocess.run(
            [mlwarden, "scan", "--hook", "secrets", *five], cwd=root, capture_output=True
        )
        five_files = time.perf_counter() - start
    med = {tool: statistics.median(ts) for tool, ts in times.items()}
    print(f"corpus: {lines} lines, {len(plant_lines)} planted secrets, {args.runs} runs each\n")
    print("| tool | median wall time (s) | recall | false positives |")
    print("|---|---|---|---|")
    for tool in ("mlwarden", "detect-secrets"):
        hits = found[tool] & plant_lines
        fps = found[tool] - plant_lines
        print(
            f"| {tool} | {med[tool]:.2f} | {len(hits)}/{len(plant_lines)} "
            f"({len(hits) / len(plant_lines):.0%}) | {len(fps)} |"
        )
    ratio = med["mlwarden"] / med["detect-secrets"]
    print(f"\ntime ratio mlwarden / detect-secrets (medians): {ratio:.3f}")
    print(f"pre-commit-sized run (5 files): {five_files:.2f} s")
    by_family: dict[str, list[int]] = {}
    for p, n, family in sorted(planted):
        row = by_family.setdefault(family, [0, 0, 0])
        row[0] += 1
        row[1] += (p, n) in found["mlwarden"]
        row[2] += (p, n) in found["detect-secrets"]
    print("\n| family | planted | mlwarden | detect-secrets |\n|---|---|---|---|")
    for family, (total, ours, theirs) in sorted(by_family.items()):
        print(f"| {family} | {total} | {ours} | {theirs} |")
    print("\n| false positives by file kind | mlwarden | detect-secrets |\n|---|---|---|")
    kinds = sorted({_kind(p) for tool in found for p, _ in found[tool] - plant_lines})
    for kind in kinds:
        counts = [sum(_kind(p) == kind for p, _ in found[t] - plant_lines) for t in found]
        print(f"| {kind} | {counts[0]} | {counts[1]} |")
    if os.environ.get("BENCH_VERBOSE"):
        for tool in found:
            for miss in sorted(plant_lines - found[tool]):
                print(f"{tool} missed {miss}")
            for fp in sorted(found[tool] - plant_lines):
                print(f"{tool} false positive {fp}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
