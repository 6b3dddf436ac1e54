import yaml
cfg = yaml.safe_load(open("config.yaml"))
