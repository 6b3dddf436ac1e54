import zipfile
import torch
from torchvision.datasets.utils import download_url

# ruleid: SG045
torch.hub.download_url_to_file(URL, "resnet.pth")
# ruleid: SG045
torch.hub.download_url_to_file(URL, "resnet.pth", hash_prefix=None)
# ruleid: SG045
state = torch.hub.load_state_dict_from_url(URL, map_location="cpu")
# ruleid: SG045
download_url(URL, root="data")
# ok: SG045
torch.hub.download_url_to_file(URL, "resnet.pth", hash_prefix="0676ba61")
# ok: SG045
state = torch.hub.load_state_dict_from_url(URL, check_hash=True)
# ok: SG045
download_url(URL, root="data", md5="5c8a9ad0a5ee4f95a4b6e86ce3c2c0b4")
# ok: SG045
torch.hub.download_url_to_file("https://example.com/datasets/coco2017val.zip", "tmp.zip")
# ok: SG045
torch.hub.download_url_to_file(f"https://example.com/fonts/{name}.ttf", font_file)
# ruleid: SG045
torch.hub.download_url_to_file(f"https://example.com/weights/{name}.pt", weights_file)


def fetch_dataset(url, root):
    archive = root / "data.bin"
    # ok: SG045
    torch.hub.download_url_to_file(url, archive)
    if zipfile.is_zipfile(archive):
        zipfile.ZipFile(archive).extractall(root)


def fetch_weights(url, target):
    # ruleid: SG045
    torch.hub.download_url_to_file(url, target)
    return torch.load(target, weights_only=True)
