import tempfile
import functools
import torch
import torch as T
from torch import load
from torch import serialization

# ruleid: SG001
state = torch.load("model.pt")
# ruleid: SG001
state = T.load("model.pt", map_location="cpu", weights_only=False)
# ruleid: SG001
state = load(path)
# ruleid: SG001
ckpt = torch.load(
    path,
    map_location="cpu",
)
# ruleid: SG001
state = serialization.load(path)
# ok: SG001
state = torch.load("model.pt", weights_only=True)
# ok: SG001
state = T.load(
    path,
    map_location="cpu",
    weights_only=True,
)
# ok: SG001
state = torch.load(path, weights_only=trusted_only)
# ok: SG001
state = torch.load(path, **load_kwargs)
loader = torch.load
# ruleid: SG001
state = loader(path)
safe_loader = functools.partial(torch.load, weights_only=True)
# ok: SG001
state = safe_loader(path)
# ok: SG001
state = json.load(fh)


def round_trip(model):
    with tempfile.TemporaryDirectory() as tmpdir:
        torch.save(model.state_dict(), tmpdir + "/probe.bin")
        # ok: SG001
        model.load_state_dict(torch.load(tmpdir + "/probe.bin"))


def load_into_temp(url):
    with tempfile.TemporaryDirectory() as tmpdir:
        path = download(url, tmpdir)
        # ruleid: SG001
        return torch.load(path)
