from diffusers import DiffusionPipeline
pipe = DiffusionPipeline.from_pretrained(BASE, custom_pipeline="lpw_stable_diffusion")  # <-
