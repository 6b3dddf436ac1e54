import gradio as gr
demo = gr.ChatInterface(respond)
demo.launch(share=True)  # <-
