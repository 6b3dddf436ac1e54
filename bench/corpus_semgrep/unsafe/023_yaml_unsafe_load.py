import yaml
config = yaml.unsafe_load(text)  # <-
