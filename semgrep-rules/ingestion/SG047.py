import mlflow
import pandas as pd
import requests
import torch

# ruleid: SG047
mlflow.set_tracking_uri("http://mlflow.internal:5000")
# ruleid: SG047
df = pd.read_csv("http://data.example.com/train.csv")
# ruleid: SG047
state = torch.hub.load_state_dict_from_url("http://models.example.com/resnet.pth")
# ruleid: SG047
r = requests.get("http://models.example.com/model.safetensors")
# ok: SG047
mlflow.set_tracking_uri("http://localhost:5000")
# ok: SG047
mlflow.set_tracking_uri("https://mlflow.internal")
# ok: SG047
r = requests.get("http://example.com/api/status")
