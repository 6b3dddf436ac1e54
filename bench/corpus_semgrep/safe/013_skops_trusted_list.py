import skops.io as sio
model = sio.load("model.skops", trusted=["sklearn.ensemble._forest.RandomForestClassifier"])
