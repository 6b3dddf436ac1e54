from datasets import load_dataset

# ruleid: SG026
ds = load_dataset("stanfordnlp/imdb")
# ruleid: SG026
ds = load_dataset("squad", split="train", revision="main")
# ok: SG026
ds = load_dataset("stanfordnlp/imdb", revision="e6281661ce1c48d982bc483cf8a173c1bbeb5d31")
# ok: SG026
ds = load_dataset("csv", data_files="train.csv")
# ok: SG026
ds = load_dataset("./data/my_dataset")
# ok: SG026
ds = load_dataset("parquet", data_files={"train": "train.parquet"})
