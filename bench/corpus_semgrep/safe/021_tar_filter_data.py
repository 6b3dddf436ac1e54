import tarfile
with tarfile.open("data.tgz") as tar:
    tar.extractall("data", filter="data")
