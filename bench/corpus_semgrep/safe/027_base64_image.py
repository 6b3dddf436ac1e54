import base64
image_bytes = base64.b64decode(request_json["image"])
