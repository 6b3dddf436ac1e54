import os

import numpy as np
import onnxruntime as ort
import tensorflow as tf
import torch

HERE = os.path.dirname(__file__)

# ruleid: SG062
torch.ops.load_library(os.path.join(model_dir, "custom_ops.so"))
# ruleid: SG062
ops = tf.load_op_library(args.op_library)
options = ort.SessionOptions()
# ruleid: SG062
options.register_custom_ops_library(library_path)
# ruleid: SG062
lib = np.ctypeslib.load_library("libkernels", checkpoint_dir)
# ok: SG062
torch.ops.load_library(os.path.join(os.path.dirname(__file__), "_C.so"))
# ok: SG062
torch.ops.load_library(os.path.join(HERE, "_C.so"))
# ok: SG062
ops = tf.load_op_library("./build/zero_out.so")
# ok: SG062
lib = np.ctypeslib.load_library("libkernels", os.path.dirname(__file__))
