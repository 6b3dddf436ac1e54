from langchain_community.vectorstores import FAISS

# ruleid: SG033
db = FAISS.load_local("index", embeddings, allow_dangerous_deserialization=True)
# ok: SG033
db = FAISS.load_local("index", embeddings)
# ok: SG033
db = FAISS.from_documents(docs, embeddings)
