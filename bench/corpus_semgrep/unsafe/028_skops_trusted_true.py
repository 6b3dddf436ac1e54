import skops.io as sio
model = sio.load("model.skops", trusted=True)  # <-
