import _pickle
obj = _pickle.Unpickler(stream).load()  # <-
