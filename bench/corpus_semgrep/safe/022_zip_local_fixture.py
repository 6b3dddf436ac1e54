import zipfile
with zipfile.ZipFile("tests/fixtures/sample.zip") as zf:
    zf.extractall("tmp")
