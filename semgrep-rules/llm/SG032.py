import os
import subprocess
import anthropic

client = anthropic.Anthropic()


def agent(task):
    msg = client.messages.create(model="claude", max_tokens=100, messages=[task])
    cmd = msg.content[0].text
    # ruleid: SG032
    subprocess.run(cmd, shell=True)


def agent2(llm, task):
    # ruleid: SG032
    os.system(llm.invoke(task).content)


def fixed(llm, task):
    choice = llm.invoke(task).content
    # ok: SG032
    subprocess.run(["ls", "-l"], check=True)


def pipeline_command(generator, prompt):
    cmd = generator(prompt)[0]["generated_text"]
    # ruleid: SG032
    os.system(cmd)
