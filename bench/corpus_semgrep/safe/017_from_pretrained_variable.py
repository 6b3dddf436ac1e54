from transformers import AutoTokenizer
tokenizer = AutoTokenizer.from_pretrained(args.model_dir)
