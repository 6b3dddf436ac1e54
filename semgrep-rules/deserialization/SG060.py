import importlib
import logging
import pickle
import sys

ALLOWED = {("collections", "OrderedDict"), ("numpy", "dtype")}


class LoggingUnpickler(pickle.Unpickler):
    # ruleid: SG060
    def find_class(self, module, name):
        logging.debug("unpickling %s.%s", module, name)
        return super().find_class(module, name)


class ImportingUnpickler(pickle.Unpickler):
    # ruleid: SG060
    def find_class(self, module, name):
        return getattr(importlib.import_module(module), name)


class RenamingUnpickler(pickle.Unpickler):
    # ruleid: SG060
    def find_class(self, module, name):
        module = module.replace("old_package", "new_package")
        return getattr(sys.modules.get(module) or importlib.import_module(module), name)


class RestrictedUnpickler(pickle.Unpickler):
    # ok: SG060
    def find_class(self, module, name):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global {module}.{name} is forbidden")


class TableUnpickler(pickle.Unpickler):
    SAFE = {("builtins", "set"): set}

    # ok: SG060
    def find_class(self, module, name):
        return self.SAFE[(module, name)]


class NotAnUnpickler:
    # ok: SG060
    def find_class(self, module, name):
        return getattr(importlib.import_module(module), name)
