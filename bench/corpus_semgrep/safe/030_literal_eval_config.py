import ast
import yaml
cfg = yaml.safe_load(open("c.yaml"))
value = ast.literal_eval(cfg["scale"])
