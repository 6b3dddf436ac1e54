import torch

# ruleid: SG027
model = torch.hub.load("ultralytics/yolov5", "yolov5s")
# ruleid: SG027
model = torch.hub.load("pytorch/vision:main", "resnet50", weights="DEFAULT")
# ok: SG027
model = torch.hub.load("pytorch/vision:0123456789abcdef0123456789abcdef01234567", "resnet50")
# ok: SG027
model = torch.hub.load("./vendor/yolov5", "custom", source="local")
