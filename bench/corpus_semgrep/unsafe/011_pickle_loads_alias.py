import pickle as pkl
features = pkl.loads(redis_client.get("features"))  # <-
