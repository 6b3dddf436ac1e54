import numpy as np

# ruleid: SG012
arr = np.load("features.npz", allow_pickle=True)
# ruleid: SG012
arr = np.load(
    path,
    mmap_mode="r",
    allow_pickle=True,
)
# ok: SG012
arr = np.load("features.npz")
# ok: SG012
arr = np.load(path, allow_pickle=False)
# ruleid: SG012
arr = np.load(path, allow_pickle=1)
# ruleid: SG012
arr = np.load(path, allow_pickle=args.allow_pickle)
# ruleid: SG012
arr = np.load(path, None, True)
# ok: SG012
arr = np.load(path, allow_pickle=0)
# ok: SG012
arr = np.load(path, None, False)
