import dill
preprocess = dill.load(open("preprocess.dill", "rb"))  # <-
