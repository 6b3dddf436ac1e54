def calculator(llm, question):
    expr = llm.invoke(f"Write a Python expression for: {question}").content
    return eval(expr)  # <-
