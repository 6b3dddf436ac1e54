import numpy as np
data = np.load(  # <-
    "features.npz",
    allow_pickle=True,
)
