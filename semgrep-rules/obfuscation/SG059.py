import argparse
import os
import yaml


def build(path):
    cfg = yaml.safe_load(open(path))
    # ruleid: SG059
    act = eval(cfg["model"]["activation"])
    return act


def main():
    args = argparse.ArgumentParser().parse_args()
    # ruleid: SG059
    lr = eval(args.lr)
    # ruleid: SG059
    scale = eval(os.environ.get("SCALE", "1.0"))
    # ok: SG059
    lr = ast.literal_eval(args.lr)
    # ok: SG059
    value = eval("1 + 2")


def ask():
    answer = input("expression> ")
    # ruleid: SG059
    return eval(answer)


def layer_call(layer, inputs):
    shape = layer.input(inputs)
    # ok: SG059
    return eval(shape)
