import torch

# ruleid: SG004
model = torch.jit.load(path)
# ok: SG004
model = torch.jit.script(net)
# ok: SG004
torch.jit.save(model, "m.pt")
