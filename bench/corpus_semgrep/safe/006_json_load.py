import json
with open("metrics.json") as fh:
    metrics = json.load(fh)
