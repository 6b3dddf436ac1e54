import huggingface_hub
local_dir = huggingface_hub.snapshot_download("org/model")  # <-
