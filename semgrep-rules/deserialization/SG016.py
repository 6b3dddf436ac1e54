import keras

# ruleid: SG016
keras.config.enable_unsafe_deserialization()
# ok: SG016
keras.config.disable_interactive_logging()
