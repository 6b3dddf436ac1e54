import zmq

socket = zmq.Context().socket(zmq.PULL)
# ruleid: SG021
request = socket.recv_pyobj()
# ok: SG021
request = socket.recv_json()
# ok: SG021
socket.send_pyobj(result)
