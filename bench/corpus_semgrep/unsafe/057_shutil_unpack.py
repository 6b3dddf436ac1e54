import shutil
shutil.unpack_archive("weights.tar.gz", "models/")  # <-
