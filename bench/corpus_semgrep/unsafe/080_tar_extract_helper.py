import tarfile

def unpack(archive: tarfile.TarFile, dest: str) -> None:
    archive.extractall(dest)  # <-
