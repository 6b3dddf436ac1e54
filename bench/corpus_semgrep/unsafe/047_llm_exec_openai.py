from openai import OpenAI
client = OpenAI()

def solve(task):
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": task}])
    code = reply.choices[0].message.content
    exec(code)  # <-
