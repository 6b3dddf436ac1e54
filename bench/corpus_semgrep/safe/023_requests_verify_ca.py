import requests
resp = requests.get(URL, verify="/etc/ssl/certs/corp.pem", timeout=30)
