import skops.io as sio

# ruleid: SG017
model = sio.load("model.skops", trusted=True)
# ruleid: SG017
model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
unknown = sio.get_untrusted_types(file=path)
# ruleid: SG017
model = sio.load(path, trusted=unknown)
# ok: SG017
model = sio.load(path, trusted=["mypkg.features.Scaler"])
