import pickle
import _pickle
import pickle as pkl
from pickle import loads

with open("model.pkl", "rb") as fh:
    # ruleid: SG006
    model = pickle.load(fh)
# ruleid: SG006
obj = pkl.loads(blob)
# ruleid: SG006
obj = loads(blob)
# ruleid: SG006
obj = _pickle.loads(blob)
# ruleid: SG006
obj = pickle.Unpickler(fh).load()
# ok: SG006
data = pickle.dumps(obj)
# ok: SG006
obj = RestrictedUnpickler(fh).load()
# ok: SG006
clone = pickle.loads(pickle.dumps(model))
unpickle = getattr(pickle, "loads")
# ruleid: SG006
obj = unpickle(blob)
dump = pickle.dumps
# ok: SG006
blob = dump(obj)
# ruleid: SG006
obj = getattr(pickle, "loads")(blob)
# ok: SG006
blob = getattr(pickle, "dumps")(obj)


def round_trip_through_a_variable(tree):
    s = pickle.dumps(tree)
    # ok: SG006
    tree2 = pickle.loads(s)
    return tree2


def loads_of_foreign_bytes(s):
    # ruleid: SG006
    return pickle.loads(s)
