from torch import load
ckpt = load(path)  # <-
