from langchain_core.prompts import PromptTemplate

# ruleid: SG037
prompt = PromptTemplate.from_template(text, template_format="jinja2")
# ok: SG037
prompt = PromptTemplate.from_template(text)
# ok: SG037
prompt = PromptTemplate.from_template(text, template_format="f-string")
