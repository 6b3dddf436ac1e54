from transformers import AutoModel
model = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B", revision="main")  # <-
