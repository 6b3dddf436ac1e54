import jsonpickle
cfg = jsonpickle.decode(request_body)  # <-
