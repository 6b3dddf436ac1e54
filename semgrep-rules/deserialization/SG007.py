import dill
import cloudpickle

# ruleid: SG007
fn = dill.load(open("f.dill", "rb"))
# ruleid: SG007
fn = cloudpickle.loads(payload)
# ruleid: SG007
dill.load_session("session.pkl")
# ok: SG007
blob = cloudpickle.dumps(fn)
# ok: SG007
dill.dump_session("session.pkl")
# ok: SG007
fn2 = cloudpickle.loads(cloudpickle.dumps(fn))
