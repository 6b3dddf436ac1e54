import os
import torch.distributed as dist
import torch.distributed.rpc as rpc

# ruleid: SG052
opts = rpc.TensorPipeRpcBackendOptions(init_method="tcp://0.0.0.0:29500")
# ruleid: SG052
os.environ["MASTER_ADDR"] = "0.0.0.0"
# ok: SG052
dist.init_process_group("nccl", init_method="tcp://10.0.0.5:29500")
# ok: SG052
os.environ["MASTER_ADDR"] = "localhost"
