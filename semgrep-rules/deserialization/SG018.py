import mlflow

# ruleid: SG018
model = mlflow.pyfunc.load_model("runs:/abc123/model")
# ruleid: SG018
model = mlflow.sklearn.load_model(model_uri)
# ok: SG018
mlflow.sklearn.log_model(clf, "model")
