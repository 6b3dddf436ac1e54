import yaml
with open("sweep.yaml") as fh:
    sweep = yaml.full_load(fh)  # <-
