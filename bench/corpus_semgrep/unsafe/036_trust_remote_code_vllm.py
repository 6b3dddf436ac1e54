from vllm import LLM
llm = LLM(model=MODEL, trust_remote_code=True)  # <-
