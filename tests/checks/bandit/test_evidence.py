"""False-positive classes judged from the code around the call (issue 16), found on real
ML repositories: each keeps its true positive and drops its near miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlwarden.checks import bandit
from tests.conftest import judge, jupyter_notebook, write_files

# test id -> (source, lines that stay reported)
CASES: dict[str, tuple[str, list[int]]] = {
    # `"0.0.0.0"` compared against (a test of a configured host) is not a bind.
    "B104": (
        'host = "127.0.0.1" if settings.host == "0.0.0.0" else settings.host\n'
        'local = host in ("0.0.0.0", "::")\n'
        'server.run(host="0.0.0.0", port=8000)\n',
        [3],
    ),
    # A CSafeLoader under another name (also with its SafeLoader fallback) is safe.
    "B506": (
        "import yaml\n"
        "from yaml import CSafeLoader as Loader\n"
        "try:\n    from yaml import CSafeLoader as Fast\n"
        "except ImportError:\n    from yaml import SafeLoader as Fast\n"
        'Picked = getattr(yaml, "CSafeLoader", yaml.SafeLoader)\n'
        "Either = yaml.CSafeLoader if hasattr(yaml, 'CSafeLoader') else yaml.SafeLoader\n"
        "from yaml import FullLoader as Loose\n"
        "a = yaml.load(text, Loader=Loader)\n"
        "b = yaml.load(text, Loader=Fast)\n"
        "c = yaml.load(text, Loader=Picked)\n"
        "d = yaml.load(text, Loader=Either)\n"
        "e = yaml.load(text, Loader=Loose)\n",
        [14],
    ),
    # urlopen may open file: URLs; a URL whose https scheme the code fixes cannot.
    "B310": (
        "import urllib.request\n"
        'STATS_URL = "https://example.com/stats.json"\n'
        "def fetch(url, name):\n"
        "    urllib.request.urlopen(STATS_URL, timeout=15)\n"
        '    urllib.request.urlretrieve(f"https://example.com/{name}.json", name)\n'
        "    urllib.request.urlopen(url)\n"
        "def checked(url):\n"
        '    if not url.startswith(("http://", "https://")):\n'
        '        raise ValueError("not a web URL")\n'
        "    return urllib.request.urlopen(url)\n",
        [6],
    ),
    # A command string the code alone decides reaches no outside input; installing
    # software at run time stays reported even when constant.
    "B602": (
        "import subprocess\n"
        'GIT = "git"\n'
        "def describe(path):\n"
        '    subprocess.check_output("git tag", shell=True)\n'
        '    subprocess.check_output(f"{GIT} rev-parse HEAD", shell=True)\n'
        '    subprocess.run("pip install -U ultralytics", shell=True)\n'
        '    subprocess.check_output(f"git -C {path} describe", shell=True)\n',
        [6, 7],
    ),
    "B605": (
        "import os\n"
        "def setup(folder):\n"
        '    os.system("pip uninstall -y wandb")\n'
        '    os.system("pip install -U ultralytics")\n'
        "    os.system(f\"git clone https://github.com/org/data.git '{folder}'\")\n",
        [4, 5],
    ),
    # eval/exec of a constant, of a string checked to be numeric, or of the repository's
    # own version file (setup.py) runs no outside text.
    "B307": (
        'value = eval("2 ** 10")\n'
        "s = eval(s) if s.isnumeric() else s\n"
        "act = eval(cfg['activation'])\n"
        "t = eval(s) if s.isnumeric() else eval(t)\n",
        [3, 4],
    ),
    "B102": (
        "from pathlib import Path\n"
        'exec(open("src/pkg/version.py").read())\n'
        'exec(Path(__file__).with_name("version.py").read_text())\n'
        'exec("from cupy.fft import *", namespace)\n'
        "exec(open(args.script).read())\n"
        "exec(requests.get(url, timeout=5).text)\n",
        [5, 6],
    ),
    # SQL text whose interpolations name the class's own table, values bound as params.
    "B608": (
        "class Store:\n"
        "    def get(self, conn, v):\n"
        '        q = f"SELECT version FROM {self._table()} WHERE version = :version"\n'
        "        r = f\"SELECT * FROM runs WHERE name = '{v}'\"\n"
        '        s = f"DELETE FROM {v} WHERE id = :id"\n'
        "        return conn.execute(q, {'version': v})\n",
        [4, 5],
    ),
    # Hub loads that are demonstrably local: a folder the script wrote, a temporary
    # directory, a folder-named argument, a file extension with data_files=. A name
    # ending in _path or a "checkpoint" says nothing and stays reported.
    "B615": (
        "import tempfile\n"
        "from datasets import load_dataset\n"
        "from transformers import AutoModel, AutoTokenizer\n"
        "def run(args, model_name_or_path, quantized_model_path, checkpoint):\n"
        "    model = AutoModel.from_pretrained(model_name_or_path)\n"
        "    tok = AutoTokenizer.from_pretrained(checkpoint)\n"
        "    model.save_pretrained(quantized_model_path)\n"
        "    again = AutoModel.from_pretrained(quantized_model_path)\n"
        "    data = load_dataset(args.train_data_dir)\n"
        '    extension = args.train_file.split(".")[-1]\n'
        '    if extension == "txt":\n'
        '        extension = "text"\n'
        "    raw = load_dataset(extension, data_files=args.train_file)\n"
        "    with tempfile.TemporaryDirectory() as work:\n"
        "        model.save_pretrained(work)\n"
        "        back = AutoModel.from_pretrained(work)\n"
        "    hub = load_dataset(args.data_path)\n",
        [5, 6, 17],
    ),
}


@pytest.mark.parametrize("test_id", sorted(CASES))
def test_true_positive_kept_and_near_miss_dropped(tmp_path: Path, test_id: str) -> None:
    code, expected = CASES[test_id]
    write_files(tmp_path, {"case.py": code})
    result = judge("bandit", tmp_path, ("case.py",), bandit.Options())
    assert result.errors == ()
    assert [f.location.line for f in result.findings if f.rule_id == test_id] == expected


def test_notebook_cells_are_judged_in_their_context(tmp_path: Path) -> None:
    # The notebook's code view keeps lines, so the evidence comes from earlier cells too.
    text = jupyter_notebook(
        ("code", ["import os\n", 'CMD = "nvidia-smi"\n']),
        ("markdown", ["Check the GPU\n"]),
        ("code", ["os.system(CMD)\n", "os.system(user_command)\n"]),
    )
    write_files(tmp_path, {"gpu.ipynb": text})
    result = judge("bandit", tmp_path, ("gpu.ipynb",), bandit.Options())
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "os.system(user_command)" in t)
    assert [(f.rule_id, f.location.line, f.location.member) for f in result.findings] == [
        ("B605", line, "cell 3")
    ]


PIN = "5f3c1e0a9d8b7c6e5f4a3b2c1d0e9f8a7b6c5d4e"


def test_b615_sees_hub_loads_of_the_libraries_that_share_the_transformers_api(
    tmp_path: Path,
) -> None:
    """bandit's B615 knows only `transformers` classes; it owns SG024-SG026, so the hook
    also reports peft, diffusers, sentence-transformers and `pipeline(model=...)` loads."""
    code = (
        "from diffusers import DiffusionPipeline\n"
        "from peft import PeftConfig, PeftModel\n"
        "from sentence_transformers import SentenceTransformer\n"
        "from transformers import AutoModel, pipeline\n"
        "config = PeftConfig.from_pretrained(peft_model_id)\n"  # 5
        'pipe = DiffusionPipeline.from_pretrained("org/sd", torch_dtype=dtype)\n'  # 6
        'embedder = SentenceTransformer("all-MiniLM-L6-v2")\n'  # 7
        'generate = pipeline("text-generation", model="gpt2")\n'  # 8
        "base = AutoModel.from_pretrained(config.base_model_name_or_path)\n"  # 9: bandit's own
        f'pinned = DiffusionPipeline.from_pretrained("org/sd", revision="{PIN}")\n'
        'local = pipeline("text-generation", model="./outputs/final")\n'
        "again = PeftModel.from_pretrained(base, output_dir)\n"
        'offline = SentenceTransformer("all-MiniLM-L6-v2", local_files_only=True)\n'
        "model.save_pretrained(tmp_path / 'adapter')\n"
        "config = PeftConfig.from_pretrained(tmp_path / 'adapter')\n"
        'tagger = pipeline("ner", model=base)\n'  # a model object, loaded on line 9
        'adapter = PeftModel.from_pretrained(base, "org/adapter")\n'  # 17
    )
    write_files(tmp_path, {"infer.py": code})
    result = judge("bandit", tmp_path, ("infer.py",), bandit.Options())
    assert [(f.rule_id, f.location.line) for f in result.findings] == [
        ("B615", 5),
        ("B615", 6),
        ("B615", 7),
        ("B615", 8),
        ("B615", 9),
        ("B615", 17),
    ]
    assert "in from_pretrained()" in result.findings[0].message
