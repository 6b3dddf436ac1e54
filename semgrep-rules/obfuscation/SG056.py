import importlib

# ruleid: SG056
m = __import__("o" + "s")
# ruleid: SG056
m = importlib.import_module("".join(["sub", "process"]))
# ruleid: SG056
m = __import__("so"[::-1])
# ruleid: SG056
m = __import__(base64.b64decode("b3M=").decode())
# ok: SG056
m = importlib.import_module("mlwarden.checks." + name)
# ok: SG056
m = importlib.import_module(f"plugins.{name}")
# ok: SG056
m = __import__("json")
