handler = getattr(self, "on_" + event_name)
