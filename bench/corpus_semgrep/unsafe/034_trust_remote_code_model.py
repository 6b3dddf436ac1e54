from transformers import AutoModelForCausalLM
model = AutoModelForCausalLM.from_pretrained(  # <-
    "org/model",
    revision="0123456789abcdef0123456789abcdef01234567",
    trust_remote_code=True,
)
