import torch
torch.save(model.state_dict(), "ckpt.pt")
