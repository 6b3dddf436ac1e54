from urllib.request import urlretrieve

def fetch_weights():
    urlretrieve(WEIGHTS_URL, "weights.pt")  # <-
