import yaml
cfg = yaml.load(stream, Loader=yaml.Loader)  # <-
