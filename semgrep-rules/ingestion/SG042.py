import os

# ruleid: SG042
os.environ["CURL_CA_BUNDLE"] = ""
# ruleid: SG042
os.environ["PYTHONHTTPSVERIFY"] = "0"
# ok: SG042
os.environ["REQUESTS_CA_BUNDLE"] = "/etc/ssl/certs/corp-ca.pem"
# ok: SG042
os.environ["HF_TOKEN_PATH"] = ""
