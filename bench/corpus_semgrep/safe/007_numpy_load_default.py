import numpy as np
arr = np.load("features.npy")
