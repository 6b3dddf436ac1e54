import requests
resp = requests.get(MODEL_URL, verify=False, timeout=60)  # <-
