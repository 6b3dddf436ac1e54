import torch as T
state = T.load(
    path,
    map_location="cpu",
    weights_only=True,
)
