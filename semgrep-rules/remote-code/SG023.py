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
