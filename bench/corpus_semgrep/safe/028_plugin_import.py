import importlib
module = importlib.import_module("myproject.models." + name)
