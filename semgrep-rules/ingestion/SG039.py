import io
import zipfile
import requests
from urllib.request import urlretrieve


def fetch(url):
    path, _ = urlretrieve(url)
    # ruleid: SG039
    with zipfile.ZipFile(path) as zf:
        zf.extractall("data")


def fetch2(url):
    resp = requests.get(url, timeout=30)
    # ruleid: SG039
    zipfile.ZipFile(io.BytesIO(resp.content)).extractall("data")


def local():
    # ok: SG039
    with zipfile.ZipFile("fixtures/sample.zip") as zf:
        zf.extractall("data")


def listing(url):
    path, _ = urlretrieve(url)
    # ok: SG039
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
