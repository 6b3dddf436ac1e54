from jinja2.sandbox import ImmutableSandboxedEnvironment
env = ImmutableSandboxedEnvironment()
prompt = env.from_string(chat_template).render(messages=messages)
