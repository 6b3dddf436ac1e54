"""Fine-tune a classifier."""

import torch
from transformers import AutoModelForSequenceClassification


def load_checkpoint(path):
    return torch.load(path)


def build_model(name):
    return AutoModelForSequenceClassification.from_pretrained(name, trust_remote_code=True)


def save(model, path):
    torch.save(model.state_dict(), path)
