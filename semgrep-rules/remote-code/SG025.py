from huggingface_hub import hf_hub_download, snapshot_download

# ruleid: SG025
path = hf_hub_download("org/model", "pytorch_model.bin")
# ruleid: SG025
path = hf_hub_download(repo_id=repo, filename="config.json", revision="v1.0")
# ruleid: SG025
local = snapshot_download(
    repo_id="org/model",
    allow_patterns=["*.safetensors"],
)
# ok: SG025
path = hf_hub_download("org/model", "model.safetensors", revision="0123456789abcdef0123456789abcdef01234567")
# ok: SG025
local = snapshot_download(repo_id="org/model", revision=PINNED_REVISION)
