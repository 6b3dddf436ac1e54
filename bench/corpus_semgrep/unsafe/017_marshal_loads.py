import marshal
code = marshal.loads(blob)  # <-
