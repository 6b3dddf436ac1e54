import shelve
cache = shelve.open("embeddings.db")  # <-
