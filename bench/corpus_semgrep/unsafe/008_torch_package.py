from torch.package import PackageImporter
importer = PackageImporter("model.package")  # <-
