import torch.distributed as dist

# ruleid: SG020
dist.recv_object_list(objects, src=peer)
# ok: SG020
dist.broadcast_object_list(objects, src=0)
# ok: SG020
dist.all_gather_object(gathered, metrics)
# ok: SG020
dist.broadcast(tensor, src=0)
# ok: SG020
dist.all_gather(tensors, tensor)


def join_federation(server):
    dist.init_process_group("gloo", init_method=f"tcp://{server}:29500", rank=1, world_size=2)
    # ruleid: SG020
    dist.broadcast_object_list(update, src=0)


def train():
    dist.init_process_group("nccl", init_method="env://")
    # ok: SG020
    dist.broadcast_object_list(stop, src=0)
