import torch.distributed.rpc as rpc
opts = rpc.TensorPipeRpcBackendOptions(init_method="tcp://0.0.0.0:29500")  # <-
