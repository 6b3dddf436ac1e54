c = get_config()
# ruleid: SG051
c.NotebookApp.token = ""
# ruleid: SG051
c.ServerApp.password = ''
# ok: SG051
c.ServerApp.token = os.environ["JUPYTER_TOKEN"]
# ok: SG051
c.ServerApp.ip = "127.0.0.1"
subprocess.Popen([
    "jupyter", "lab",
    # ruleid: SG051
    "--ServerApp.token=",
    "--ip=0.0.0.0",
])
