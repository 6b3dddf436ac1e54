"""Where packages, data and models come from: index URLs, conda channels, ML remotes.

Each file type has a small extractor returning the values it configures; the check
flags values new since HEAD (every value when the file is new) that are not allowed.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath
from typing import Any

import yaml

from mlwarden.checks.config_guard.common import Hit, host_of, line_of
from mlwarden.checks.config_guard.rules import CFG010, CFG011
from mlwarden.core import toml
from mlwarden.core.yamlpos import YamlError

PIP_KEYS = ("index-url", "extra-index-url", "find-links", "index_url", "extra_index_url")
UV_KEYS = ("index-url", "extra-index-url", "find-links")
ML_URI_KEY = re.compile(
    r"""(?P<key>MLFLOW_TRACKING_URI|MLFLOW_REGISTRY_URI|tracking_uri|registry_uri|
    WANDB_BASE_URL)["']?\s*[:=]\s*["']?(?P<url>[A-Za-z][A-Za-z0-9+.-]*://[^\s"',]+)""",
    re.VERBOSE,
)


class ParseError(ValueError):
    pass


def _ini(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ParseError(f"invalid INI: {exc.message.splitlines()[0]}; not checked") from None
    return parser


def _toml(text: str) -> dict[str, Any]:
    try:
        return toml.loads(text)
    except toml.TomlError as exc:
        raise ParseError(f"{exc}; not checked") from None


def _yaml(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise YamlError("invalid YAML; not checked") from None


def _strs(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield from value.split()
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict) and isinstance(item.get("url"), str):
                yield item["url"]


def pip_conf(text: str) -> Iterator[str]:
    parser = _ini(text)
    for section in parser.sections():
        for key in PIP_KEYS:
            if parser.has_option(section, key):
                yield from _strs(parser.get(section, key))


def pypirc(text: str) -> Iterator[str]:
    parser = _ini(text)
    for section in parser.sections():
        if parser.has_option(section, "repository"):
            yield from _strs(parser.get(section, "repository"))


def _uv_table(table: object) -> Iterator[str]:
    if not isinstance(table, dict):
        return
    for key in UV_KEYS:
        yield from _strs(table.get(key))
    yield from _strs(table.get("index"))
    yield from _uv_table(table.get("pip"))


def uv_toml(text: str) -> Iterator[str]:
    yield from _uv_table(_toml(text))


def pyproject(text: str) -> Iterator[str]:
    tool = _toml(text).get("tool")
    if not isinstance(tool, dict):
        return
    yield from _uv_table(tool.get("uv"))
    for name in ("poetry", "pdm"):
        table = tool.get(name)
        if isinstance(table, dict):
            yield from _strs(table.get("source"))
    pixi = tool.get("pixi")
    if isinstance(pixi, dict):
        for section in ("project", "workspace"):
            table = pixi.get(section)
            if isinstance(table, dict):
                yield from _strs(table.get("channels"))


def conda_env(text: str) -> Iterator[str]:
    data = _yaml(text)
    if not isinstance(data, dict):
        return
    yield from _strs(data.get("channels"))
    for key in ("channel_alias", "default_channels"):
        yield from _strs(data.get(key))
    for dep in data.get("dependencies") or []:
        if isinstance(dep, dict):
            for line in dep.get("pip") or []:
                if isinstance(line, str):
                    match = re.match(
                        r"\s*(?:--(?:extra-)?index-url|-i|--find-links|-f)[=\s]+(\S+)", line
                    )
                    if match:
                        yield match.group(1)


EXTRACTORS: dict[str, Callable[[str], Iterator[str]]] = {
    "pip.conf": pip_conf,
    "pip.ini": pip_conf,
    ".pypirc": pypirc,
    "uv.toml": uv_toml,
    "pyproject.toml": pyproject,
    "environment.yml": conda_env,
    "environment.yaml": conda_env,
    ".condarc": conda_env,
    "condarc": conda_env,
}


CONDA_ENV_FILE = re.compile(r"environment[^/]*\.ya?ml")  # environment-gpu.yml too


def extractor(path: str) -> Callable[[str], Iterator[str]] | None:
    name = PurePosixPath(path).name
    if CONDA_ENV_FILE.fullmatch(name):
        return conda_env
    return EXTRACTORS.get(name)


def _normal(value: str) -> str:
    return value.strip().rstrip("/").lower()


def _allowed(value: str, allowed: Iterable[str]) -> bool:
    normal = _normal(value)
    return any(normal == _normal(a) or normal.startswith(_normal(a) + "/") for a in allowed)


def check_indexes(path: str, new: str, old: str | None, allowed: tuple[str, ...]) -> list[Hit]:
    extract = extractor(path)
    if extract is None:
        return []
    before = set(extract(old)) if old is not None else set()
    hits = []
    for value in dict.fromkeys(extract(new)):
        if value in before or _allowed(value, allowed):
            continue
        shown = _redact(value)
        hits.append(
            Hit(
                CFG010,
                line_of(new, value),
                f"package source '{shown}' is new and not "
                "in allowed-indexes; an extra index invites dependency confusion: add "
                "it to [tool.mlwarden.config-guard] allowed-indexes in a reviewed change "
                "if it is trusted",
                f"index:{_normal(shown)}",
            )
        )
    return hits


def _redact(url: str) -> str:
    """Never repeat credentials from an index URL in a finding."""
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", url)


# --- data and model remotes ----------------------------------------------------------------


def is_remote_config(path: str) -> bool:
    posix = PurePosixPath(path)
    return (
        path.endswith(".dvc/config")
        or path == "wandb/settings"
        or path.endswith("/wandb/settings")
        or posix.name in {".env", "MLproject"}
        or posix.suffix in {".env", ".cfg", ".ini", ".toml", ".yaml", ".yml"}
    )


def remote_urls(path: str, text: str) -> Iterator[tuple[str, str]]:
    """(what, url) pairs: a DVC remote, an MLflow URI, a W&B endpoint."""
    if path.endswith(".dvc/config"):
        parser = _ini(text)
        for section in parser.sections():
            title = section.strip().strip("'")  # DVC writes ['remote "name"']
            if title.startswith("remote") and parser.has_option(section, "url"):
                name = title[6:].strip().strip("'\"")
                yield f"DVC remote {name}", parser.get(section, "url")
        return
    if path == "wandb/settings" or path.endswith("/wandb/settings"):
        parser = _ini(text)
        for section in parser.sections():
            if parser.has_option(section, "base_url"):
                yield "W&B base_url", parser.get(section, "base_url")
        return
    for match in ML_URI_KEY.finditer(text):
        yield match.group("key"), match.group("url")


def check_remotes(path: str, new: str, old: str | None, allowed: tuple[str, ...]) -> list[Hit]:
    if not is_remote_config(path) or (
        not path.endswith(("config", "settings")) and not ML_URI_KEY.search(new)
    ):
        return []
    before = {host_of(url) for _, url in remote_urls(path, old)} if old is not None else set()
    if not before - {None}:
        return []  # no remote before: adding the first one is a new setup, not a redirect
    hits = []
    for what, url in remote_urls(path, new):
        host = host_of(url)
        if host is None or host in before or host in {a.lower() for a in allowed}:
            continue
        hits.append(
            Hit(
                CFG011,
                line_of(new, url),
                f"{what} now points at new host '{host}'; "
                "data and models would come from (or go to) it: confirm the change in "
                "review, or add the host to allowed-hosts",
                f"remote:{what}:{host}",
            )
        )
    return hits
