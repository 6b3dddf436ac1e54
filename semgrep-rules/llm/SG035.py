from langchain_experimental.tools import PythonREPLTool
from langchain_experimental.utilities import PythonREPL
from langchain_community.tools import ShellTool
from langchain.agents import load_tools

# ruleid: SG035
repl = PythonREPL()
# ruleid: SG035
tools = [PythonREPLTool(), DuckDuckGoSearchRun()]
# ruleid: SG035
shell = ShellTool()
# ruleid: SG035
tools = load_tools(["llm-math", "terminal"], llm=llm)
# ok: SG035
tools = load_tools(["llm-math", "wikipedia"], llm=llm)
