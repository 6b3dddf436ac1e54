import jinja2
from jinja2 import Environment, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment

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
