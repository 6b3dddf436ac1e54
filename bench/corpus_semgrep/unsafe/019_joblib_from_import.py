from joblib import load as load_model
pipeline = load_model(MODEL_PATH)  # <-
