import joblib
from joblib import load as jl_load

# ruleid: SG011
clf = joblib.load("model.joblib")
# ruleid: SG011
clf = jl_load(path)
# ok: SG011
joblib.dump(clf, "model.joblib")
