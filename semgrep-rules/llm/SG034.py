from langchain_experimental.agents import create_pandas_dataframe_agent

# ruleid: SG034
agent = create_pandas_dataframe_agent(llm, df, verbose=True, allow_dangerous_code=True)
# ok: SG034
agent = create_pandas_dataframe_agent(llm, df, verbose=True)
