import requests
import httpx

# ruleid: SG041
r = requests.get(MODEL_URL, verify=False)
# ruleid: SG041
client = httpx.Client(verify=False)
session = requests.Session()
# ruleid: SG041
session.verify = False
# ok: SG041
r = requests.get(MODEL_URL, timeout=30)
# ok: SG041
r = requests.get(MODEL_URL, verify="/etc/ssl/corp.pem")
