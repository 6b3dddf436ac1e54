import openai
from openai import OpenAI

client = OpenAI()


def run_generated(msgs):
    resp = client.chat.completions.create(model="gpt-4o", messages=msgs)
    code = resp.choices[0].message.content
    # ruleid: SG031
    exec(code)


def calc(llm, question):
    answer = llm.invoke(question).content.strip()
    # ruleid: SG031
    return eval(answer)


def hf(model, tokenizer, ids):
    text = tokenizer.decode(model.generate(ids)[0], skip_special_tokens=True)
    # ruleid: SG031
    exec(compile(text, "<gen>", "exec"))


def safe(llm, question):
    answer = llm.invoke(question).content
    # ok: SG031
    return json.loads(answer)


def unrelated(expr):
    # ok: SG031
    return eval(expr, {"__builtins__": {}})


def pipeline_output(generator, prompt):
    code = generator(prompt)[0]["generated_text"]
    # ruleid: SG031
    exec(code)


def pipeline_output_direct(generator, prompt):
    out = generator(prompt)
    # ruleid: SG031
    eval(out["generated_text"])


def pipeline_output_shown(generator, prompt):
    text = generator(prompt)[0]["generated_text"]
    # ok: SG031
    print(text)
