from multiprocessing.connection import Client
conn = Client(("scheduler", 6000), authkey=KEY)
task = conn.recv()  # <-
