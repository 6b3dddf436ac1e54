"""False-positive classes of bandit's tests, found by reading its findings on real ML code
(transformers, lightning, datasets, accelerate, langchain-core, scikit-learn; issue 9).

Each filter drops one class at its cause, from the flagged call's own source, and each has a
regression test in tests/checks/test_bandit.py. They never drop a finding they cannot read
the source of.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from mlwarden.checks.bandit import evidence
from mlwarden.checks.bandit.flow import Module, argument, dotted, parse

_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})

# `token_pattern = r"..."`, `token_counter="approximate"`, `secret_key_name = "..."`:
# bandit matches the name, but these names hold settings, not secrets.
_NON_SECRET_NAME = re.compile(
    r"(?:_|^)(?:pattern|counter|type|types|id|ids|len|length|count|name|names|field|fields|"
    r"dir|path|file|url|prefix|suffix|limit|size|format|mode|kind|env|var|header|param|"
    r"policy|strategy|implicit_token|disable\w*)$",
    re.IGNORECASE,
)
# Values that are test placeholders or prose rather than a credential.
_PLACEHOLDER_VALUE = re.compile(
    r"token|secret|passw|redact|mask|example|dummy|fake|test|change.?me|xxx|\*\*\*|<|\{",
    re.IGNORECASE,
)
_WORDS = re.compile(r"^[a-z]+(?:[-_ ][a-z]+)*$")
_REGEX_CHARS = re.compile(r"[\\()\[\]^$?+|]")
_ASSIGNED_NAME = r"""(\w+)["']?\s*\]?\s*(?::\s*\w[\w\[\], ]*)?\s*[:=]\s*[rbuRBU]*["']"""


def password_false_positive(call: str, value: str) -> bool:
    """B105/B106/B107 on a setting's name or a placeholder value, not a secret."""
    if len(value) < 6 or _WORDS.match(value) or _REGEX_CHARS.search(value):
        return True
    if _PLACEHOLDER_VALUE.search(value):
        return True
    named = re.search(_ASSIGNED_NAME + re.escape(value[:20]), call)
    return bool(named and _NON_SECRET_NAME.search(named.group(1)))


# `datasets`' packaged builders read local files: nothing is fetched from the Hub.
_PACKAGED_BUILDERS = frozenset(
    {"csv", "json", "parquet", "text", "arrow", "pandas", "sql", "generator", "imagefolder",
     "audiofolder", "videofolder", "webdataset", "xml", "hdf5", "pdffolder", "niftifolder",
     "spark", "cache"}
)  # fmt: skip
_FIRST_STRING_ARG = re.compile(r"\(\s*[rbuRBU]*([\"'])(.*?)\1")
# A name that says "folder" is a local path (`from_pretrained(tmp_dir)`, `args.train_data_dir`);
# `*_path`, `checkpoint`, `model_name_or_path` say nothing: they hold Hub ids as often.
_FOLDER_NAME = re.compile(
    r"^(?:tmp|temp)|(?:^|_)(?:tmp|temp)(?:_|$)|(?:_dir|dirname|folder|directory)$", re.IGNORECASE
)
_LOCAL_EVIDENCE = (
    r"\.save_pretrained\(\s*{0}\s*[,)]|\.save_model\(\s*{0}\s*[,)]|\.save_to_disk\(\s*{0}\s*[,)]"
    r"|\bos\.path\.(?:exists|isdir)\(\s*{0}\s*\)|\b{0}\s*=\s*(?:tempfile\.)?mkdtemp\("
    r"|TemporaryDirectory\([^)]*\)\s+as\s+{0}\s*:"
)


def _is_local_literal(name: str) -> bool:
    return name in _PACKAGED_BUILDERS or name.startswith(("./", "../", "/", "~"))


def hub_download_false_positive(call: str, module: Module | None, line: int, source: str) -> bool:
    """B615 on a load that is demonstrably local: a packaged builder (`load_dataset("csv",
    ...)`), an explicit local path, `local_files_only=True`, a folder the script wrote
    (`save_pretrained(x)` then `from_pretrained(x)`, a temporary directory), a name that
    says folder, or a file extension with `data_files=`. A name alone is no evidence."""
    if re.search(r"\blocal_files_only\s*=\s*True\b", call):
        return True
    first = _FIRST_STRING_ARG.search(call)
    if first is not None and call.index(first.group(0)) == call.index("("):
        return _is_local_literal(first.group(2))
    node = module.call_at(line, _HUB_CALLS) if module is not None else None
    target = argument(node, 0, "pretrained_model_name_or_path", "path", "repo_id") if node else None
    if node is None or target is None:
        return False
    name = dotted(target)
    if not name:
        return False
    if _FOLDER_NAME.search(name.rsplit(".", 1)[-1]):
        return True
    if re.search(_LOCAL_EVIDENCE.format(re.escape(name)), source):
        return True
    if not isinstance(target, ast.Name):
        return False
    values = module.assigned(module.scope_of(node), name) if module else []
    known = [v for v in values if v is not None]
    if (
        known
        and len(known) == len(values)
        and all(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and _is_local_literal(v.value)
            for v in known
        )
    ):
        return True
    # `extension = args.train_file.split(".")[-1]; load_dataset(extension, data_files=...)`
    return (
        any(k.arg == "data_files" for k in node.keywords)
        and bool(known)
        and all(re.search(r"\.split\(\s*[\"']\.[\"']|\.suffix\b", ast.unparse(v)) for v in known)
    )


_HUB_CALLS = frozenset(
    {"from_pretrained", "load_dataset", "snapshot_download", "hf_hub_download", "load"}
)


_ROUND_TRIP = re.compile(r"loads\(\s*(?:\w+\.)?dumps\(")


def pickle_round_trip(call: str, source_text: Callable[[], str]) -> bool:
    """B301 on `pickle.loads(pickle.dumps(x))`, also through a variable (`s = pickle.dumps(x)`
    then `pickle.loads(s)`): the bytes never left the process."""
    if _ROUND_TRIP.search(call):
        return True
    argument = re.search(r"\bloads\(\s*(\w+)\s*\)", call)
    if argument is None:
        return False
    produced = re.compile(rf"\b{re.escape(argument.group(1))}\s*=\s*(?:\w+\.)?dumps\(")
    return produced.search(source_text()) is not None


_SQL_START = re.compile(
    r"""[fbruFBRU]*["']{1,3}\s*(?:select|insert|update|delete|with|replace)\b""", re.IGNORECASE
)


def sql_in_prose(call: str, line_text: str) -> bool:
    """B608 on an error message that happens to contain "update ... set"-like prose: a
    query string starts with its SQL verb."""
    return _SQL_START.search(line_text) is None and ".execute(" not in call


_SAFE_TAR_FILTER = re.compile(
    r"""\bfilter\s*=\s*(?:["'](?:data|tar)["']|(?:tarfile\.)?(?:data|tar)_filter\b)"""
)


def safe_extraction(call: str, source_text: str) -> bool:
    """B202 with `filter="data"` (the fix bandit itself recommends), on a zipfile archive
    (zipfile strips `..` and absolute paths), or on a bare helper function merely named
    `*extractall` (bandit matches the name)."""
    if _SAFE_TAR_FILTER.search(call):
        return True
    if not re.search(r"\.\s*extractall\b", call):
        return True  # a bare helper function, not a TarFile method
    receiver = re.search(r"(\w+)\s*\.\s*extractall\b", call)
    if receiver is None:
        return False
    name = re.escape(receiver.group(1))
    opened_as_zip = re.compile(
        rf"\bZipFile\([^\n]*\)\s+as\s+{name}\b|\b{name}\s*=\s*(?:zipfile\.)?ZipFile\("
    )
    return opened_as_zip.search(source_text) is not None


def is_false_positive(
    test_id: str,
    call: str,
    line_text: str,
    source_text: Callable[[], str],
    value: str | None,
    line: int = 0,
    column: int = 0,
) -> bool:
    """True when the finding at `line`:`column` is one of the known false-positive classes."""

    def module() -> Module | None:
        return parse(source_text())

    if test_id in _PASSWORD_TESTS:
        return value is not None and password_false_positive(call, value)
    if test_id == "B615":
        return hub_download_false_positive(call, module(), line, source_text())
    if test_id == "B301":
        return pickle_round_trip(call, source_text)
    if test_id == "B608":
        if sql_in_prose(call, line_text):
            return True
        tree = module()
        return tree is not None and evidence.sql_with_internal_identifiers(tree, line, column)
    if test_id == "B202":
        return safe_extraction(call, source_text())
    judged_in_context = _IN_CONTEXT.get(test_id)
    if judged_in_context is None:
        return False
    tree = module()
    if tree is None:
        return False
    if test_id == "B310":
        return evidence.fixed_scheme_url(tree, line, source_text(), column)
    return judged_in_context(tree, line, column)


_IN_CONTEXT: dict[str, Callable[[Module, int, int], bool]] = {
    "B102": evidence.eval_of_internal_text,
    "B307": evidence.eval_of_internal_text,
    "B104": evidence.bind_all_compared,
    "B506": evidence.safe_yaml_loader,
    "B602": evidence.shell_of_internal_text,
    "B605": evidence.shell_of_internal_text,
    "B310": lambda tree, line, column: False,  # needs the source text too: handled above
}
