import shutil
import hashlib
import urllib.request
from urllib.request import urlretrieve


def fetch():
    # ruleid: SG044
    urlretrieve(WEIGHTS_URL, "weights.pt")


def fetch_checked():
    # ok: SG044
    urllib.request.urlretrieve(WEIGHTS_URL, "weights.pt")
    with open("weights.pt", "rb") as fh:
        if hashlib.sha256(fh.read()).hexdigest() != WEIGHTS_SHA256:
            raise ValueError("checksum mismatch")


def fetch_tv(root):
    # ok: SG044
    urlretrieve(URL, root)
    if not check_integrity(root, MD5):
        raise RuntimeError("corrupt")


def fetch_with_helper(remote, path):
    # ok: SG044
    urlretrieve(remote.url, path)
    checksum = _sha256(path)
    if checksum != remote.checksum:
        raise OSError("checksum differs")


def fetch_corpus():
    # ok: SG044
    urlretrieve("https://example.com/corpora/tiny_shakespeare.txt", "input.txt")
    # ruleid: SG044
    urlretrieve("https://example.com/models/classifier.onnx", "classifier.onnx")


def fetch_bundle(url, target):
    # ok: SG044
    urlretrieve(url, target)
    shutil.unpack_archive(target, "assets")
