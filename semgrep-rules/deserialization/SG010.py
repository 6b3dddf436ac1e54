import marshal

# ruleid: SG010
code = marshal.loads(blob)
# ok: SG010
blob = marshal.dumps(data)
