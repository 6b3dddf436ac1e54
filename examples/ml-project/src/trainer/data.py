"""Dataset download and config loading."""

import tarfile

import yaml


def read_config(path):
    with open(path) as handle:
        return yaml.load(handle, Loader=yaml.Loader)


def unpack(archive, target):
    with tarfile.open(archive) as tar:
        tar.extractall(target)
