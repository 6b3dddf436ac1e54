import json

def parse(llm, question):
    reply = llm.invoke(question).content
    return json.loads(reply)
