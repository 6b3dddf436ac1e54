from langchain_experimental.utilities import PythonREPL
repl = PythonREPL()  # <-
