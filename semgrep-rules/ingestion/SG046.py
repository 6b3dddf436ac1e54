import keras
import tensorflow as tf

# ruleid: SG046
path = keras.utils.get_file("flowers.tgz", origin=URL, extract=True)
# ruleid: SG046
path = tf.keras.utils.get_file(
    "mnist.npz",
    origin=URL,
)
# ok: SG046
path = keras.utils.get_file("flowers.tgz", origin=URL, file_hash=FLOWERS_SHA256)
