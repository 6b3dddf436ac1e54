from jinja2 import Template
prompt = Template(tokenizer_config["chat_template"]).render(messages=messages)  # <-
