import torch
from huggingface_hub import hf_hub_download

path = hf_hub_download("org/model", "pytorch_model.bin", revision="0123456789abcdef0123456789abcdef01234567")
weights = torch.load(path)  # <-
