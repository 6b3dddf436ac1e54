import numpy as np
arr = np.load("features.npz", allow_pickle=False)
