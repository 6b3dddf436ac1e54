from fastai.vision.all import *
import gensim
import torch
from fastai.learner import load_learner as fastai_load
from gensim.models import Word2Vec
from mmengine.runner import load_checkpoint
from stable_baselines3 import PPO
from ultralytics.utils.patches import torch_load

# ruleid: SG061
ckpt = torch_load(weights, map_location="cpu")
# ok: SG061
ckpt = torch_load(weights, map_location="cpu", weights_only=True)
# ruleid: SG061
learn = fastai_load("export.pkl")
# ruleid: SG061
load_checkpoint(model, args.checkpoint, map_location="cpu")
# ruleid: SG061
agent = PPO.load("ppo_cartpole.zip")
# ruleid: SG061
vectors = Word2Vec.load("word2vec.model")
# ok: SG061
state = torch.load(weights, weights_only=True)
# ok: SG061
agent = PPO("MlpPolicy", env)
# ruleid: SG061
learn = load_learner(path / "export.pkl")
