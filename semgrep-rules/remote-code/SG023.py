from transformers import AutoModelForCausalLM, pipeline
from datasets import load_dataset
from vllm import LLM

# ruleid: SG023
model = AutoModelForCausalLM.from_pretrained("org/model", trust_remote_code=True)
# ruleid: SG023
pipe = pipeline("text-generation", model=name, trust_remote_code=True)
# ruleid: SG023
ds = load_dataset(
    "org/data",
    split="train",
    trust_remote_code=True,
)
# ruleid: SG023
llm = LLM(model=name, trust_remote_code=True)
# ruleid: SG023
kwargs = {"torch_dtype": "auto", "trust_remote_code": True}
# ok: SG023
model = AutoModelForCausalLM.from_pretrained("org/model", trust_remote_code=False)
# ok: SG023
model = AutoModelForCausalLM.from_pretrained("./local-model")


def pinned_remote_code():
    # ok: SG023
    return AutoModel.from_pretrained(
        "org/model",
        revision="531ae679ab5c13a3bf49607e1b6e6459300772e9",
        trust_remote_code=True,
    )


def tag_is_not_a_pin():
    # ruleid: SG023
    return AutoModel.from_pretrained("org/model", revision="v1.0", trust_remote_code=True)
