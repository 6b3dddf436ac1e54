import gradio as gr

demo = gr.Interface(fn=predict, inputs="text", outputs="text")
# ruleid: SG048
demo.launch(share=True)
# ok: SG048
demo.launch()
# ok: SG048
demo.launch(share=True, auth=("team", password))
