import pandas as pd
df = pd.read_pickle("s3://bucket/train.pkl")  # <-
