import shelve

# ruleid: SG008
cache = shelve.open("features.db")
# ok: SG008
conn = sqlite3.connect("features.db")
