import torch
scripted = torch.jit.load(downloaded)  # <-
