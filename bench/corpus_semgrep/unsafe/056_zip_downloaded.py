import zipfile
from urllib.request import urlretrieve

path, _ = urlretrieve(DATA_URL)
with zipfile.ZipFile(path) as zf:  # <-
    zf.extractall("data")
