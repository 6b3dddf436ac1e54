import tarfile
with tarfile.open("imagenet.tar.gz") as tar:
    tar.extractall("data/")  # <-
