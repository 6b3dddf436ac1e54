import yaml
from yaml import SafeLoader

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
