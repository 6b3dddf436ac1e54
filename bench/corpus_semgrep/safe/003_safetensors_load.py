from safetensors.torch import load_file
state = load_file("model.safetensors")
