import keras
path = keras.utils.get_file("flowers.tgz", origin=FLOWERS_URL, extract=True)  # <-
