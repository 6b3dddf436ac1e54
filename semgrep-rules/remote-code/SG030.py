from diffusers import DiffusionPipeline

# ruleid: SG030
pipe = DiffusionPipeline.from_pretrained(base, custom_pipeline="lpw_stable_diffusion")
# ok: SG030
pipe = DiffusionPipeline.from_pretrained(base, custom_pipeline="./pipelines/my_pipeline.py")
# ok: SG030
pipe = DiffusionPipeline.from_pretrained(base, custom_pipeline="hf-internal/pipe", custom_revision="0123456789abcdef0123456789abcdef01234567")
