from transformers import AutoModelForCausalLM
MODEL_ID = "mistralai/Mistral-7B-v0.1"
model = AutoModelForCausalLM.from_pretrained(MODEL_ID)  # <-
