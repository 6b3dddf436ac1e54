from datasets import load_dataset
train = load_dataset("stanfordnlp/imdb", split="train")  # <-
