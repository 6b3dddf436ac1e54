import shutil

# ruleid: SG040
shutil.unpack_archive("weights.tar.gz", "models/")
# ok: SG040
shutil.unpack_archive("weights.tar.gz", "models/", filter="data")
# ok: SG040
shutil.make_archive("weights", "gztar", "models/")
