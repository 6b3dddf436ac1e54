import yaml

def build(path):
    cfg = yaml.safe_load(open(path))
    return eval(cfg["model"]["activation"])  # <-
