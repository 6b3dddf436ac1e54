import keras
model = keras.models.load_model(path)
