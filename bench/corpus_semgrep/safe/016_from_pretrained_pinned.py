from transformers import AutoModel
model = AutoModel.from_pretrained(
    "org/model",
    revision="0123456789abcdef0123456789abcdef01234567",
)
