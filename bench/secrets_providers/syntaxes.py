"""The syntaxes a value is written in: one renderer per language or config format.

A renderer takes a variable name (upper snake case, e.g. `GITLAB_TOKEN`), the value and
the corpus `Gen`, and returns `(extension, file text)`. The planted line is the line of
the file that holds the value; `plant_line` finds it (in a notebook, on the raw JSON line).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from gen import Gen

Renderer = Callable[[str, str, Gen], tuple[str, str]]

# Names that say nothing about a secret: a provider rule must find the value on its own.
NEUTRAL_NAMES = ("VALUE", "DEFAULT", "ENTRY", "ITEM", "REMOTE", "OPT", "ARG0", "CFG_VALUE")


def snake(name: str) -> str:
    return name.lower()


def camel(name: str) -> str:
    head, *rest = name.lower().split("_")
    return head + "".join(part.title() for part in rest)


def kebab(name: str) -> str:
    return name.lower().replace("_", "-")


def _py_header(g: Gen) -> str:
    return f'"""{g.word().title()} training job settings."""\n\nimport os\n\nimport torch\n\n'


def py_assign(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "py", f'{_py_header(g)}{name} = "{v}"\nEPOCHS = {g.int(1, 50)}\n'


def py_environ(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "py", f'{_py_header(g)}os.environ["{name}"] = "{v}"\n'


def py_kwarg(name: str, v: str, g: Gen) -> tuple[str, str]:
    text = f'{_py_header(g)}client = Client(\n    base_url=BASE_URL,\n    {snake(name)}="{v}",\n)\n'
    return "py", text


def py_dict(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "py", f'SETTINGS = {{\n    "lr": 3e-4,\n    "{snake(name)}": \'{v}\',\n}}\n'


def js_const(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "js", f"import {{ Client }} from './client.js';\n\nconst {camel(name)} = '{v}';\n"


def ts_export(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "ts", f'export const {name}: string = "{v}";\nexport const RETRIES = 3;\n'


def go_short(name: str, v: str, g: Gen) -> tuple[str, str]:
    text = f'package main\n\nfunc main() {{\n\t{camel(name)} := "{v}"\n\trun({camel(name)})\n}}\n'
    return "go", text


def go_const(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "go", f'package config\n\nconst (\n\t{camel(name)} = "{v}"\n)\n'


def java_field(name: str, v: str, g: Gen) -> tuple[str, str]:
    text = f'public final class Config {{\n    private static final String {name} = "{v}";\n}}\n'
    return "java", text


def kotlin_val(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "kt", f'object Settings {{\n    val {camel(name)} = "{v}"\n}}\n'


def yaml_plain(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "yaml", f"trainer:\n  epochs: {g.int(1, 40)}\n  {snake(name)}: {v}\n"


def yaml_actions_env(name: str, v: str, g: Gen) -> tuple[str, str]:
    text = (
        "name: train\non: [push]\njobs:\n  train:\n    runs-on: ubuntu-latest\n"
        f'    env:\n      {name}: "{v}"\n    steps:\n      - run: python train.py\n'
    )
    return "yml", text


def toml(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "toml", f'[tool.{g.word()}]\nbatch_size = 32\n{snake(name)} = "{v}"\n'


def ini(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "ini", f"[{g.word()}]\nregion = eu-west-1\n{snake(name)} = {v}\n"


def dotenv(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "env", f"# local settings\nLOG_LEVEL=info\n{name}={v}\n"


def json_kv(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "json", f'{{\n  "project": "{g.word()}",\n  "{camel(name)}": "{v}"\n}}\n'


def xml_elem(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "xml", f"<settings>\n  <{camel(name)}>{v}</{camel(name)}>\n</settings>\n"


def xml_attr(name: str, v: str, g: Gen) -> tuple[str, str]:
    text = f'<configuration>\n  <appSettings>\n    <add key="{name}" value="{v}" />\n'
    return "config", text + "  </appSettings>\n</configuration>\n"


def shell_export(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "sh", f"#!/usr/bin/env bash\nset -e\nexport {name}='{v}'\npython train.py\n"


def dockerfile_env(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "Dockerfile", f"FROM python:3.11-slim\nENV {name}={v}\nRUN pip install -r req.txt\n"


def notebook_source(name: str, v: str, g: Gen) -> tuple[str, str]:
    return "ipynb", notebook([f'import os\nos.environ["{name}"] = "{v}"'], outputs=None)


def notebook_output(name: str, v: str, g: Gen) -> tuple[str, str]:
    stream = f"{{'epochs': 3, '{snake(name)}': '{v}'}}\n"
    return "ipynb", notebook(["print(config)"], outputs=[stream])


def notebook(sources: list[str], outputs: list[str] | None) -> str:
    cells = []
    for source in sources:
        cell: dict[str, object] = {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [],
            "source": source.splitlines(keepends=True),
        }
        if outputs:
            cell["outputs"] = [
                {"name": "stdout", "output_type": "stream", "text": o.splitlines(keepends=True)}
                for o in outputs
            ]
        cells.append(cell)
    doc = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1) + "\n"


def curl_header(header: str) -> Renderer:
    def render(name: str, v: str, g: Gen) -> tuple[str, str]:
        line = f'curl -sf -H "{header.format(v=v)}" https://api.{g.word()}.io/v1/status'
        return "sh", f"#!/bin/sh\n{line}\n"

    return render


VALUE_SYNTAXES: dict[str, Renderer] = {
    "python": py_assign,
    "python-environ": py_environ,
    "python-kwarg": py_kwarg,
    "python-dict": py_dict,
    "javascript": js_const,
    "typescript": ts_export,
    "go-short": go_short,
    "go-const": go_const,
    "java": java_field,
    "kotlin": kotlin_val,
    "yaml": yaml_plain,
    "gha-env": yaml_actions_env,
    "toml": toml,
    "ini": ini,
    "dotenv": dotenv,
    "json": json_kv,
    "xml-element": xml_elem,
    "xml-attribute": xml_attr,
    "shell-export": shell_export,
    "dockerfile": dockerfile_env,
    "notebook-source": notebook_source,
    "notebook-output": notebook_output,
    "curl": py_assign,  # replaced per provider by `curl_header(provider.header)`
}


def plant_line(text: str, needle: str) -> int:
    """1-based line of `needle` in `text`; in JSON text the needle may be escaped."""
    for candidate in (needle, json.dumps(needle)[1:-1]):
        pos = text.find(candidate)
        if pos >= 0:
            return text.count("\n", 0, pos) + 1
    raise ValueError(f"value not in text: {needle[:12]}…")
