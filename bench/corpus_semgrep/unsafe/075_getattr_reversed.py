import builtins
fn = getattr(builtins, "lave"[::-1])  # <-
