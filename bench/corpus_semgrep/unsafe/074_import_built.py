mod = __import__("o" + "s")  # <-
