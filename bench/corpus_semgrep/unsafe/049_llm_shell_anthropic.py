import subprocess
import anthropic

client = anthropic.Anthropic()

def act(goal):
    msg = client.messages.create(model="claude-3-5-sonnet", max_tokens=200, messages=[goal])
    subprocess.run(msg.content[0].text, shell=True)  # <-
