"""Chat templates judged on their Jinja2 syntax tree (never rendered): GGUF metadata,
JSON configs, standalone template files. Real templates stay clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlwarden.checks.models.templates import findings
from tests.checks.models import builders
from tests.checks.models.test_helpers import ids, only, scan

CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}"
    "{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'] | trim "
    "+ ' [/INST]' }}{% else %}{{ ' ' + message['content'] | trim + ' ' + eos_token }}"
    "{% endif %}{% endfor %}"
)
# Tool-calling style: namespace, loop controls, tojson, selectattr, the generation tag.
TOOLS = (
    "{%- set ns = namespace(found=false) -%}"
    "{%- for message in messages -%}"
    "{%- if message.role == 'tool' %}{% continue %}{% endif -%}"
    "{%- if message.tool_calls is defined %}{{ message.tool_calls | tojson }}{% endif -%}"
    "{%- if message.role == 'assistant' %}{% generation %}{{ message.content }}"
    "{% endgeneration %}{% endif -%}"
    "{%- set ns.found = true -%}{%- endfor -%}"
    "{{ (messages | selectattr('role', 'equalto', 'user') | list | length) }}"
    "{{ strftime_now('%d %B %Y') }}{{ '{}'.format(ns.found) }}"
)
ESCAPES = {
    "subclasses": "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "attr_concat": "{{ cycler|attr('__in' ~ 'it__')|attr('__glo' ~ 'bals__') }}",
    "hex_escape": "{{ request['\\x5f\\x5fglobals\\x5f\\x5f'] }}",
    "join_list": "{{ ()[['__cla', 'ss__']|join] }}",
    "set_name": "{% set a = '__cla' ~ 'ss__' %}{{ ()[a] }}",
    "builtins_name": "{{ __builtins__['eval']('1') }}",
    "getattr_string": "{{ getattr('', '__class__') }}",
    "private_attr": "{{ x()._module }}",
    "format_field": "{{ '{0.__class__}'.format(x) }}",
}


@pytest.mark.parametrize("template", [CHATML, LLAMA2, TOOLS])
def test_real_templates_have_no_escape_shape(template: str) -> None:
    assert findings(template, strict=True) == []


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_every_escape_shape_is_seen(name: str) -> None:
    assert findings(ESCAPES[name], strict=True), name


def test_gguf_chat_templates_every_named_one(tmp_path: Path) -> None:
    base = {"general.architecture": "llama", "tokenizer.ggml.tokens": ["<s>", "a", "b"]}
    result = scan(
        tmp_path,
        {
            "bad.gguf": builders.gguf({**base, "tokenizer.chat_template": ESCAPES["subclasses"]}),
            "named.gguf": builders.gguf(
                {
                    **base,
                    "tokenizer.chat_template": CHATML,
                    "tokenizer.chat_template.tool_use": ESCAPES["attr_concat"],
                }
            ),
            "ok.gguf": builders.gguf({**base, "tokenizer.chat_template": LLAMA2}),
            "plain.gguf": builders.gguf(base),
        },
    )
    assert ids(result) == [("MOD011", "bad.gguf", None), ("MOD011", "named.gguf", None)]
    assert all("CVE-2024-34359" in f.message for f in result.findings)
    assert any("tool_use" in f.message for f in only(result, "MOD011"))


def test_unreadable_gguf_and_template_fail_closed(tmp_path: Path) -> None:
    whole = builders.gguf({"tokenizer.chat_template": CHATML})
    result = scan(
        tmp_path,
        {
            "cut.gguf": whole[: len(whole) // 2],
            "syntax.gguf": builders.gguf({"tokenizer.chat_template": "{% for x in %}"}),
        },
    )
    assert ids(result) == [("MOD007", "cut.gguf", None), ("MOD007", "syntax.gguf", None)]


def test_chat_templates_in_json_configs(tmp_path: Path) -> None:
    def config(template: object) -> bytes:
        return json.dumps({"tokenizer_class": "X", "chat_template": template}).encode()

    result = scan(
        tmp_path,
        {
            "tokenizer_config.json": config(ESCAPES["globals"]),
            "named/tokenizer_config.json": config(
                [
                    {"name": "default", "template": CHATML},
                    {"name": "rag", "template": ESCAPES["hex_escape"]},
                ]
            ),
            "any_name.json": config(ESCAPES["builtins_name"]),
            "ok/tokenizer_config.json": config(LLAMA2),
            "broken/tokenizer_config.json": config("{% if %}"),
        },
    )
    assert ids(result) == [
        ("MOD007", "broken/tokenizer_config.json", None),
        ("MOD011", "any_name.json", None),
        ("MOD011", "named/tokenizer_config.json", None),
        ("MOD011", "tokenizer_config.json", None),
    ]
    assert "`rag`" in only(result, "MOD011")[1].message


def test_templates_in_any_text_file(tmp_path: Path) -> None:
    result = scan(
        tmp_path,
        {
            "chat_template.jinja": ESCAPES["globals"].encode(),
            "config.yaml": b'chat_template: "{{ config.__class__.__init__.__globals__ }}"\n',
            "page.html": b"<p>{{ user.name }}</p>{% if x %}{{ x.__len__ }}{% endif %}",
            "ok.jinja": CHATML.encode(),
            "script.py": b"x = f'{{}}'\nclass A:\n    def __init__(self): pass\n",
        },
    )
    assert ids(result) == [
        ("MOD011", "chat_template.jinja", None),
        ("MOD011", "config.yaml", None),
        ("MOD011", "page.html", None),
    ]
