import ray
ray.init(dashboard_host="127.0.0.1")
