from hydra.utils import instantiate
from huggingface_hub import hf_hub_download
from omegaconf import OmegaConf

cfg = OmegaConf.load(hf_hub_download("org/model", "config.yaml", revision=REV))
model = instantiate(cfg.model)  # <-
