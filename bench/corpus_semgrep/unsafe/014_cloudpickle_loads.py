import cloudpickle
fn = cloudpickle.loads(message.body)  # <-
