import ssl

# ruleid: SG043
ssl._create_default_https_context = ssl._create_unverified_context
# ruleid: SG043
ctx = ssl._create_unverified_context()
ctx2 = ssl.create_default_context()
# ruleid: SG043
ctx2.check_hostname = False
# ruleid: SG043
ctx2.verify_mode = ssl.CERT_NONE
# ok: SG043
ctx3 = ssl.create_default_context(cafile=CA)
# ok: SG043
ctx3.verify_mode = ssl.CERT_REQUIRED
import urllib3

# ruleid: SG043
http = urllib3.PoolManager(cert_reqs=ssl.CERT_NONE)
# ruleid: SG043
http = urllib3.PoolManager(cert_reqs="CERT_NONE")
# ruleid: SG043
ws.run_forever(sslopt={"cert_reqs": ssl.CERT_NONE})
# ok: SG043
http = urllib3.PoolManager(cert_reqs=ssl.CERT_REQUIRED)
# ok: SG043
ws.run_forever(sslopt={"cert_reqs": ssl.CERT_REQUIRED})
