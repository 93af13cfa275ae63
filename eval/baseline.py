"""The obvious pipeline to beat: RecursiveCharacterTextSplitter(1000, 200) + the same MiniLM + FAISS, k=10.

It reads each file as plainly as a newcomer would (pypdf page text, raw text files) and never abstains.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ingest.readers import decode_text


def plain_text(path: Path) -> str:
    """A file's text the way PyPDFLoader / TextLoader give it: no cleaning."""
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    return decode_text(path.read_bytes())[0]


class Baseline:
    """Split, embed and search with the plain LangChain recipe."""

    def __init__(self, files: list[Path], embedder):
        import faiss
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.passages: list[dict] = []
        for path in files:
            for n, piece in enumerate(splitter.split_text(plain_text(path))):
                self.passages.append({"doc": path.stem, "chunk_id": f"{path.stem}:{n}", "text": piece})
        self.embedder = embedder
        vectors = embedder.embed([p["text"] for p in self.passages])
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)

    def search(self, query: str, k: int = 10) -> list[dict]:
        q = self.embedder.embed([query])
        scores, ids = self.index.search(np.asarray(q, dtype=np.float32), k)
        return [
            {**self.passages[i], "rank": r, "score": float(s)}
            for r, (i, s) in enumerate(zip(ids[0], scores[0]), 1) if i >= 0
        ]
