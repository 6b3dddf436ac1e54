import tensorflow as tf
model = tf.keras.models.load_model("model.keras", safe_mode=False)  # <-
