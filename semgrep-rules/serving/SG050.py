import ray

# ruleid: SG050
ray.init(dashboard_host="0.0.0.0")
# ruleid: SG050
ray.init(
    num_cpus=8,
    dashboard_host="0.0.0.0",
    dashboard_port=8265,
)
# ok: SG050
ray.init(dashboard_host="127.0.0.1")
# ok: SG050
ray.init()
