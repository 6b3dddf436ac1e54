import torch
model = torch.hub.load("./vendor/yolov5", "custom", source="local")
