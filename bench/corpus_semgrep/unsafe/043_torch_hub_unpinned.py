import torch
detector = torch.hub.load("ultralytics/yolov5", "yolov5s", pretrained=True)  # <-
