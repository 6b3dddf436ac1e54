from transformers import AutoModel, AutoTokenizer, pipeline
from sentence_transformers import SentenceTransformer

# ruleid: SG024
tok = AutoTokenizer.from_pretrained("bert-base-uncased")
# ruleid: SG024
model = AutoModel.from_pretrained("meta-llama/Llama-3.1-8B", revision="main")
# ruleid: SG024
pipe = pipeline("fill-mask", model="distilbert/distilroberta-base")
# ruleid: SG024
emb = SentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")
# ok: SG024
tok = AutoTokenizer.from_pretrained("bert-base-uncased", revision="86b5e0934494bd15c9632b12f734a8a67f723594")
# ok: SG024
model = AutoModel.from_pretrained("./checkpoints/best")
# ok: SG024
model = AutoModel.from_pretrained("/mnt/models/llama")
# ok: SG024
model = AutoModel.from_pretrained("outputs/run-3")
# ok: SG024
model = AutoModel.from_pretrained("my-run/checkpoint-500")
MODEL_ID = "mistralai/Mistral-7B-v0.1"
# ruleid: SG024
model = AutoModel.from_pretrained(MODEL_ID)
# ok: SG024
model = AutoModel.from_pretrained(args.model_dir)
# ok: SG024
model = AutoModel.from_pretrained("org/model", revision=MODEL_REVISION)


def offline_only():
    # ok: SG024
    return AutoTokenizer.from_pretrained("bert-base-uncased", local_files_only=True)
