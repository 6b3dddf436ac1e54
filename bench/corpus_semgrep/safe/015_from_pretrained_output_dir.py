from transformers import AutoModel
model = AutoModel.from_pretrained("outputs/checkpoint-500")
