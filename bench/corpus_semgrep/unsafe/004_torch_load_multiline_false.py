import torch

def restore(path, device):
    state = torch.load(  # <-
        path,
        map_location=device,
        weights_only=False,
    )
    return state["model"]
