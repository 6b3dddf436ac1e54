# ruleid: SG028
model.save_pretrained("out", safe_serialization=False)
# ruleid: SG028
pipe = DiffusionPipeline.from_pretrained(path, use_safetensors=False)
# ok: SG028
model.save_pretrained("out", safe_serialization=True)
# ok: SG028
model.save_pretrained("out")
