model.save_pretrained(output_dir, safe_serialization=False)  # <-
