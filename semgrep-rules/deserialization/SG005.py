import torch
from torch.package import PackageImporter

# ruleid: SG005
imp = torch.package.PackageImporter(path)
# ruleid: SG005
imp = PackageImporter("model.package")
# ok: SG005
exp = torch.package.PackageExporter("out.package")
