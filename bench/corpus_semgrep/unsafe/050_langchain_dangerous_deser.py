from langchain_community.vectorstores import FAISS
db = FAISS.load_local("index", embeddings, allow_dangerous_deserialization=True)  # <-
