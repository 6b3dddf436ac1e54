import mlflow
mlflow.set_tracking_uri("http://mlflow.internal:5000")  # <-
