import keras
keras.config.enable_unsafe_deserialization()  # <-
