import gradio as gr
gr.Interface(fn=predict, inputs="image", outputs="label").launch(server_name="0.0.0.0")  # <-
