import torch.distributed as dist
dist.broadcast_object_list(payload, src=0)  # <-
