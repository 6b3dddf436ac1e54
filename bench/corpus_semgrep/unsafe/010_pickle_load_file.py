import pickle
with open("model.pkl", "rb") as fh:
    clf = pickle.load(fh)  # <-
