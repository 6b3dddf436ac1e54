import textwrap

import jinja2
from jinja2 import Environment, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import prompts
from .prompts import SYSTEM_PROMPT

LOCAL_TEMPLATE = "Hello {{ name }}"
FROM_CONFIG = config["template"]

# ruleid: SG036
prompt = Template(chat_template).render(messages=msgs)
env = Environment()
# ruleid: SG036
prompt = env.from_string(config["prompt"]).render(question=q)
# ok: SG036
prompt = Template("Answer the question: {{ question }}").render(question=q)
sandbox = ImmutableSandboxedEnvironment()
# ok: SG036
prompt = sandbox.from_string(chat_template).render(messages=msgs)
# ok: SG036
prompt = Template(SYSTEM_PROMPT).render(question=q)
# ok: SG036
prompt = Template(prompts.SYSTEM_PROMPT).render(question=q)
# ok: SG036
prompt = Template(LOCAL_TEMPLATE).render(name=n)
# ok: SG036
PROMPT = Template(
    """
Extract the facts from {{ biography }}
"""
)
# ok: SG036
PROMPT = Template("""Extract the person from: {{ biography }}""".strip())
# ok: SG036
PROMPT = Template(textwrap.dedent("""
    Answer: {{ question }}
"""))
# ruleid: SG036
prompt = Template(FROM_CONFIG).render(question=q)
# ruleid: SG036
prompt = Template(user_text.strip()).render(question=q)


def render(TEMPLATE, **values):
    # ruleid: SG036
    return Template(TEMPLATE).render(**values)
