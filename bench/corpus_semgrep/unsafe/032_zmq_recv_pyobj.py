import zmq
sock = zmq.Context().socket(zmq.PULL)
sock.bind("tcp://0.0.0.0:5555")
req = sock.recv_pyobj()  # <-
