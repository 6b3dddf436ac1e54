import os
import functools
import torch
from torch.serialization import add_safe_globals

# ruleid: SG003
torch.serialization.add_safe_globals([MyConfig, getattr])
# ruleid: SG003
add_safe_globals([os.system])
# ruleid: SG003
with torch.serialization.safe_globals([functools.partial]):
    state = torch.load(path, weights_only=True)
# ok: SG003
torch.serialization.add_safe_globals([MyConfig, TrainingArgs])
# ok: SG003
add_safe_globals([numpy.dtype])
