"""python -m eval.langchain_ingest FILE...: the plain LangChain ingest, as a newcomer would write it.

PyPDFLoader page text, RecursiveCharacterTextSplitter (1000 characters, 200 overlap),
HuggingFaceEmbeddings with the same packaged MiniLM (batch 32), FAISS.from_documents. Prints one
JSON line with its counts and stage timings. Needs requirements-bench.txt.
"""

from __future__ import annotations

import index.offline  # noqa: F401  (must precede the model libraries)

# isort: split
import json
import sys
import time


def main(argv: list[str] | None = None) -> int:
    files = list(argv if argv is not None else sys.argv[1:])
    started = time.perf_counter()
    from langchain_community.document_loaders import PyPDFLoader
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index.embedder import model_path

    pages = []
    for f in files:
        pages += PyPDFLoader(f).load()
    parsed = time.perf_counter()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(pages)
    embeddings = HuggingFaceEmbeddings(model_name=str(model_path("sentence-transformers/all-MiniLM-L6-v2")),
                                       model_kwargs={"device": "cpu"}, encode_kwargs={"batch_size": 32})
    loaded = time.perf_counter()
    FAISS.from_documents(chunks, embeddings)
    done = time.perf_counter()
    print(json.dumps({"files": len(files), "pages": len(pages), "chunks": len(chunks),
                      "parse_s": parsed - started, "split_and_load_s": loaded - parsed,
                      "embed_and_index_s": done - loaded}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
