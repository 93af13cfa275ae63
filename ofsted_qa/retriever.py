"""A LangChain retriever over the hybrid search (meaning and keywords, fused), for chains of your own.

    from ofsted_qa import open_index, OfstedRetriever
    retriever = OfstedRetriever(library=open_index("var/index"), k=5)
    docs = retriever.invoke("What did inspectors say about PA caseloads?")

Each LangChain `Document` is one indexed passage, its text exactly as indexed, with the letter's id, title,
date, council, section and character offsets in `metadata`, so a chain can cite what it uses.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LangChainDocument
from langchain_core.retrievers import BaseRetriever

from ofsted_qa.library import Library


class OfstedRetriever(BaseRetriever):
    """The `k` best passages for a query, with filters (a mapping as the HTTP API takes, or `Filters`)."""

    library: Library
    k: int = 10
    filters: Any = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[LangChainDocument]:
        found = self.library.search(query, self.k, self.filters)
        return [
            LangChainDocument(
                page_content=hit.chunk.text,
                metadata={
                    "doc": hit.doc.doc_id, "chunk_id": hit.chunk.chunk_id, "title": hit.doc.meta.title,
                    "date": hit.doc.meta.date, "local_authority": hit.doc.meta.local_authority,
                    "doc_type": hit.doc.meta.doc_type, "section": hit.chunk.section, "start": hit.chunk.start,
                    "end": hit.chunk.end, "score": hit.score, "rank": hit.rank,
                },
            )
            for hit in found.hits
        ]
