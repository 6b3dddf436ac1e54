c = get_config()  # noqa: F821
c.ServerApp.ip = "0.0.0.0"
c.ServerApp.token = ""  # <-
