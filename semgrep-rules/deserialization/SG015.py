import keras
import tensorflow as tf

# ruleid: SG015
model = keras.models.load_model("model.keras", safe_mode=False)
# ruleid: SG015
model = tf.keras.models.load_model(
    path,
    compile=False,
    safe_mode=False,
)
# ok: SG015
model = keras.models.load_model("model.keras")
# ok: SG015
model = keras.models.load_model(path, safe_mode=True)
# ruleid: SG015
model = keras.models.load_model("weights/best.h5")
# ruleid: SG015
model = tf.keras.models.load_model("model.hdf5", safe_mode=True)
h5_path = "downloads/classifier.h5"
# ruleid: SG015
model = keras.models.load_model(h5_path)
# ok: SG015
model = keras.models.load_model("weights/best.keras")
