import gradio as gr
gr.Interface(fn=predict, inputs="text", outputs="text").launch(server_name="127.0.0.1")
