import torch as T
state = T.load(args.checkpoint, map_location="cpu")  # <-
