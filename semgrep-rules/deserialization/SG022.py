from multiprocessing.connection import Client, Listener

conn = Client(("trainer", 6000), authkey=key)
# ruleid: SG022
job = conn.recv()
# ok: SG022
job = json.loads(conn.recv_bytes())

with Listener(("0.0.0.0", 6000), authkey=key) as listener:
    with listener.accept() as peer:
        # ruleid: SG022
        msg = peer.recv()

# ok: SG022
data = sock.recv(1024)
