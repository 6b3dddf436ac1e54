import pandas as pd

# ruleid: SG013
df = pd.read_pickle("train.pkl")
# ok: SG013
df = pd.read_parquet("train.parquet")
# ok: SG013
df.to_pickle("train.pkl")
