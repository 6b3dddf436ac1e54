import torch
loader = torch.load
state = loader(checkpoint_path)  # <-
