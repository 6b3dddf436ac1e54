import os
os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = "true"  # <-
