from hydra.utils import instantiate
from huggingface_hub import hf_hub_download
from omegaconf import OmegaConf


def build():
    cfg_path = hf_hub_download("org/model", "config.yaml")
    cfg = OmegaConf.load(cfg_path)
    # ruleid: SG029
    return instantiate(cfg.model)


def build_remote(url):
    cfg = OmegaConf.create(requests.get(url).json())
    # ruleid: SG029
    return instantiate(cfg)


def build_local(cfg):
    # ok: SG029
    return instantiate(cfg.model)


def build_repo():
    cfg = OmegaConf.load("conf/model.yaml")
    # ok: SG029
    return instantiate(cfg.model)
