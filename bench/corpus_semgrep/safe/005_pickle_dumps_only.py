import json
payload = json.dumps({"loss": 0.1})
