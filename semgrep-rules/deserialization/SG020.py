import torch.distributed as dist

# ruleid: SG020
dist.broadcast_object_list(objects, src=0)
# ruleid: SG020
dist.all_gather_object(gathered, metrics)
# ok: SG020
dist.broadcast(tensor, src=0)
# ok: SG020
dist.all_gather(tensors, tensor)
