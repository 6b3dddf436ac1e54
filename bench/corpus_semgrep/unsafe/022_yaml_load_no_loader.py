import yaml
config = yaml.load(open("train.yaml"))  # <-
