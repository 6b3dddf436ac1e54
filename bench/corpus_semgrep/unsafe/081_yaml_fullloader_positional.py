import yaml
with open("hparams.yaml") as fh:
    hparams = yaml.load(fh, yaml.FullLoader)  # <-
