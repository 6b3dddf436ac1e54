"""B615 beyond `transformers`: Hub downloads through the libraries that share its API.

bandit's B615 reports `from_pretrained` only on names imported from `transformers`, so
`PeftConfig.from_pretrained(peft_model_id)`, `DiffusionPipeline.from_pretrained(...)`,
`SentenceTransformer("org/model")` and `pipeline(model="org/model")` download from the Hub
unseen. B615 owns the semgrep pack's Hub rules (SG024-SG026) when both hooks run, so it
must see at least what they see: this pass adds those calls as B615 issues, shaped like
bandit's own, and they go through the same false-positive filters (local folders, pinned
revisions, `local_files_only=True`).
"""

from __future__ import annotations

import ast
import re
import string

from mlwarden.checks.bandit.engine import BanditIssue
from mlwarden.checks.bandit.flow import Module, argument, call_name, dotted

# Libraries whose classes load from the Hub with `from_pretrained` (transformers' own
# classes are bandit's).
HUB_LIBRARIES = frozenset(
    {"peft", "diffusers", "sentence_transformers", "optimum", "setfit", "trl", "timm",
     "open_clip", "gliner", "span_marker", "flair", "adapters", "parler_tts"}
)  # fmt: skip
_CWE_DOWNLOAD_WITHOUT_CHECK = 494
HUB_CALLS = frozenset(
    {"from_pretrained", "load_dataset", "snapshot_download", "hf_hub_download", "pipeline",
     "SentenceTransformer"}
)  # fmt: skip
# `datasets`' packaged builders read local files: nothing is fetched from the Hub.
_PACKAGED_BUILDERS = frozenset(
    {"csv", "json", "parquet", "text", "arrow", "pandas", "sql", "generator", "imagefolder",
     "audiofolder", "videofolder", "webdataset", "xml", "hdf5", "pdffolder", "niftifolder",
     "spark", "cache"}
)  # fmt: skip
# A name that says "folder" is a local path (`from_pretrained(tmp_dir)`, `args.train_data_dir`);
# `*_path`, `checkpoint`, `model_name_or_path` say nothing: they hold Hub ids as often.
_FOLDER_NAME = re.compile(
    r"^(?:tmp|temp)|(?:^|_)(?:tmp|temp)(?:_|$)|(?:_dir|dirname|folder|directory)$", re.IGNORECASE
)
# Calls that write a folder the script then loads, or check that it exists on disk.
_WRITERS = frozenset({"save_pretrained", "save_model", "save_to_disk", "exists", "isdir"})
_TEXT = "Unsafe Hugging Face Hub download without revision pinning in {}()"
# `hub_issues` finds nothing in a module that imports none of these, and an import names
# its top-level module verbatim: files without one of these words are not parsed again
# (this pass was a quarter of the bandit hook's time on a 360k-line tree).
_MENTIONS_A_HUB_LIBRARY = re.compile(
    r"\b(?:" + "|".join(sorted(HUB_LIBRARIES | {"transformers"})) + r")\b"
)


def may_load_from_hub(text: str) -> bool:
    """False when `hub_issues` cannot find anything in this source text."""
    return _MENTIONS_A_HUB_LIBRARY.search(text) is not None


def _imported_from(module: Module) -> dict[str, str]:
    """Local name -> top-level module it was imported from."""
    names: dict[str, str] = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = node.module.split(".")[0]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                names[alias.asname or top] = top
    return names


def _pinned(call: ast.Call) -> bool:
    """A revision bandit would accept: a non-literal one, or 7+ hex characters."""
    for keyword in call.keywords:
        if keyword.arg in ("revision", "commit_id"):
            value = keyword.value
            if not isinstance(value, ast.Constant):
                return True
            text = str(value.value)
            return len(text) >= 7 and all(c in string.hexdigits for c in text)
    return any(k.arg is None for k in call.keywords)  # **kwargs may carry one


def _hub_call(module: Module, call: ast.Call, imported: dict[str, str]) -> str | None:
    """The function name to report when `call` loads from the Hub outside bandit's view."""
    name = call_name(call)
    func = call.func
    if name == "from_pretrained" and isinstance(func, ast.Attribute):
        root = dotted(func.value).split(".")[0]
        if imported.get(root) in HUB_LIBRARIES:
            return name
        return None
    origin = imported.get(dotted(func).split(".")[0]) if dotted(func) else None
    if name == "pipeline" and origin == "transformers":
        return name if _names_a_repository(module, call, argument(call, 1, "model")) else None
    if name == "SentenceTransformer" and origin == "sentence_transformers":
        model = argument(call, 0, "model_name_or_path")
        return name if _names_a_repository(module, call, model) else None
    return None


def _names_a_repository(module: Module, call: ast.Call, value: ast.expr | None) -> bool:
    """A string that names a model, not a model object already loaded
    (`pipeline("ner", model=lora_model)` after `lora_model = PeftModel.from_pretrained(...)`)."""
    if value is None:
        return False
    if isinstance(value, ast.Name):
        values = module.assigned(module.scope_of(call), value.id)
        return not any(
            isinstance(v, ast.Call) and call_name(v) not in ("str", "format") for v in values
        )
    return not isinstance(value, ast.Call)


def loaded_name(call: ast.Call) -> ast.expr | None:
    """The argument that names the repository (for `pipeline`, `model=`, not the task)."""
    if call_name(call) == "pipeline":
        return argument(call, 1, "model")
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if receiver is not None and dotted(receiver).rsplit(".", 1)[-1].startswith("PeftModel"):
        return argument(call, 1, "model_id")  # `PeftModel.from_pretrained(base, model_id)`
    return argument(
        call, 0, "pretrained_model_name_or_path", "model_name_or_path", "path", "repo_id"
    )


def hub_issues(module: Module, fname: str, reported: set[int]) -> list[BanditIssue]:
    """B615 issues for Hub loads bandit's plugin does not see (lines in `reported` already
    have bandit's own)."""
    imported = _imported_from(module)
    if not any(top in HUB_LIBRARIES or top == "transformers" for top in imported.values()):
        return []
    issues = []
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call) or node.lineno in reported:
            continue
        name = _hub_call(module, node, imported)
        if name is None or _pinned(node):
            continue
        first = loaded_name(node)
        if isinstance(first, ast.Constant) and str(first.value).startswith(("./", "/", "../")):
            continue
        issues.append(
            BanditIssue(
                fname=fname,
                test_id="B615",
                severity="MEDIUM",
                confidence="HIGH",
                cwe=_CWE_DOWNLOAD_WITHOUT_CHECK,
                text=_TEXT.format(name),
                line=node.lineno,
                column=node.col_offset + 1,
                end_line=node.end_lineno,
                end_column=(node.end_col_offset or 0) + 1 or None,
            )
        )
    return sorted(issues, key=lambda i: (i.line, i.column))


def is_local_literal(name: str) -> bool:
    return name in _PACKAGED_BUILDERS or name.startswith(("./", "../", "/", "~"))


def _root(expr: ast.expr) -> ast.expr:
    """`tmp_path / "model"`, `ADAPTER + "/unet"`, `os.path.join(out, "x")` -> the base."""
    while True:
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Div, ast.Add)):
            expr = expr.left
        elif isinstance(expr, ast.Call) and call_name(expr) in ("join", "Path") and expr.args:
            expr = expr.args[0]
        else:
            return expr


def is_local_load(module: Module, call: ast.Call) -> bool:
    """A Hub-style load that reads a local folder: a packaged builder or local path
    literal, a folder the script wrote or checked on disk (`save_pretrained(x)` then
    `from_pretrained(x)`), a temporary directory, a name that says folder, a string or a
    file extension with `data_files=`. A name alone (`model_name_or_path`) is no evidence."""
    target = loaded_name(call)
    if target is None:
        return False
    if isinstance(target, ast.Constant):
        return isinstance(target.value, str) and is_local_literal(target.value)
    if is_local_literal(module.literal_prefix(target)):
        return True
    text = ast.unparse(target)
    root = _root(target)
    name = dotted(root)
    if name and _FOLDER_NAME.search(name.rsplit(".", 1)[-1]):
        return True
    written = (text, ast.unparse(root))
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and call_name(node) in _WRITERS and node.args:
            if ast.unparse(node.args[0]) in written:
                return True  # written or checked on disk by this script
        elif isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Call):
            bound = node.optional_vars is not None and ast.unparse(node.optional_vars) == name
            if bound and call_name(node.context_expr) == "TemporaryDirectory":
                return True
    if not isinstance(target, ast.Name):
        return False
    values = module.assigned(module.scope_of(call), target.id)
    known = [v for v in values if v is not None]
    if not known or len(known) != len(values):
        return False
    if all(isinstance(v, ast.Call) and call_name(v) == "mkdtemp" for v in known):
        return True
    # `extension = args.train_file.split(".")[-1]` (then `if extension == "txt": extension =
    # "text"`) and `load_dataset(extension, data_files=...)`: a builder chosen by file type.
    extension = re.compile(r"\.split\(\s*[\"']\.[\"']|\.suffix\b")
    return any(k.arg == "data_files" for k in call.keywords) and all(
        extension.search(ast.unparse(v))
        or (isinstance(v, ast.Constant) and is_local_literal(str(v.value)))
        for v in known
    )
