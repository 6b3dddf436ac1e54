import ray
ray.init(dashboard_host="0.0.0.0")  # <-
