import torch
torch.serialization.add_safe_globals([TrainConfig, getattr])  # <-
