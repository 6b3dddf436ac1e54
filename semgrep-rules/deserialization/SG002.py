import os

# ruleid: SG002
os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "1"
# ruleid: SG002
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "true")
# ruleid: SG002
os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "0"
# ok: SG002
os.environ["TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"] = "0"
# ok: SG002
os.environ["TORCH_FORCE_WEIGHTS_ONLY_LOAD"] = "1"
# ok: SG002
os.environ["CUDA_VISIBLE_DEVICES"] = "1"
