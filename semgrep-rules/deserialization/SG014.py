import yaml
from yaml import SafeLoader
from yaml import CSafeLoader as Loader
from yaml import Loader as PythonLoader

FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# ruleid: SG014
cfg = yaml.load(text)
# ruleid: SG014
cfg = yaml.load(text, Loader=yaml.Loader)
# ruleid: SG014
cfg = yaml.unsafe_load(text)
# ruleid: SG014
cfg = yaml.full_load(text)
# ok: SG014
cfg = yaml.safe_load(text)
# ok: SG014
cfg = yaml.load(text, Loader=yaml.SafeLoader)
# ok: SG014
cfg = yaml.load(text, Loader=SafeLoader)
# ok: SG014
cfg = yaml.load(text, yaml.CSafeLoader)
# ok: SG014
cfg = yaml.load(text, Loader=Loader)
# ok: SG014
cfg = yaml.load(text, Loader=FAST)
# ruleid: SG014
cfg = yaml.load(text, Loader=PythonLoader)
