import jsonpickle

# ruleid: SG009
cfg = jsonpickle.decode(text)
# ok: SG009
text = jsonpickle.encode(cfg)
# ok: SG009
cfg = json.loads(text)
