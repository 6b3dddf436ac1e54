import os

# ruleid: SG049
demo.launch(server_name="0.0.0.0", server_port=7860)
# ruleid: SG049
os.environ["GRADIO_SERVER_NAME"] = "0.0.0.0"
# ok: SG049
demo.launch(server_name="127.0.0.1")
# ok: SG049
demo.launch(server_name="0.0.0.0", auth=check_user)
