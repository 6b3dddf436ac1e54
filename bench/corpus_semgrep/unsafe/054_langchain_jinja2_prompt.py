from langchain_core.prompts import PromptTemplate
prompt = PromptTemplate.from_template(user_template, template_format="jinja2")  # <-
