import mlflow
model = mlflow.pyfunc.load_model(f"runs:/{run_id}/model")  # <-
