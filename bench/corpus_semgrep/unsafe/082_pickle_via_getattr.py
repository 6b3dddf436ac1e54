import pickle
loads = getattr(pickle, "loads")
obj = loads(blob)  # <-
