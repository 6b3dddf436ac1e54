import os

# ruleid: SG019
os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = "true"
# ok: SG019
os.environ["MLFLOW_ALLOW_PICKLE_DESERIALIZATION"] = "false"
# ok: SG019
os.environ["MLFLOW_TRACKING_URI"] = "true"
