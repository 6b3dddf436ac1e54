import torch
torch.hub.download_url_to_file(URL, "resnet50.pth", hash_prefix=None)  # <-
