import tarfile

with tarfile.open("dataset.tar.gz") as tar:
    # ruleid: SG038
    tar.extractall("data/")
archive = tarfile.open(path, "r:gz")
# ruleid: SG038
archive.extract("weights.bin", path="out")
# ruleid: SG038
tarfile.open(path).extractall(dest)
with tarfile.open("dataset.tar.gz") as tar:
    # ok: SG038
    tar.extractall("data/", filter="data")
with tarfile.open("dataset.tar.gz") as tar:
    # ok: SG038
    tar.extractall(
        "data/",
        filter="data",
    )


def unpack(archive: tarfile.TarFile, dest: str) -> None:
    # ruleid: SG038
    archive.extractall(dest)


with tarfile.open("dataset.tar.gz") as tar:
    # ok: SG038
    tar.extractall("data/", members=safe_members(tar, "data/"))
# ok: SG038
zf.extractall("data/")
