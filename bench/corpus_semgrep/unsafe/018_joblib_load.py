import joblib
clf = joblib.load("models/rf.joblib")  # <-
