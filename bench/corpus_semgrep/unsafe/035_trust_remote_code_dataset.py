from datasets import load_dataset
ds = load_dataset("org/data", revision="0123456789abcdef0123456789abcdef01234567", trust_remote_code=True)  # <-
