import base64
import codecs
import marshal
import zlib
from base64 import b64decode

# ruleid: SG054
exec(base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk="))
payload = b64decode(blob)
# ruleid: SG054
exec(payload)
# ruleid: SG054
eval(codecs.decode("vzcbeg bf", "rot13"))
# ruleid: SG054
exec(zlib.decompress(bytes.fromhex(HEX)))
# ruleid: SG054
exec(marshal.loads(blob))
# ok: SG054
image = base64.b64decode(image_b64)
# ok: SG054
exec(open("setup_env.py").read())
