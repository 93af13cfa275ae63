"""The product's operations on an open index: search, ask, check, list documents."""

from __future__ import annotations

from index.index import Filters, Index
from qa.aggregate import answer_aggregate
from qa.aggregate_question import read_selection
from qa.answer import Answerer, ExtractiveAnswerer
from qa.models import Answer, Hit, Verdict
from qa.retrieve import Query, build_query, reach, search

PASSAGES = 10  # passages returned with every answer, abstentions included


class QA:
    """Search, ask and check over one index, with the models loaded once."""

    def __init__(self, index: Index, answerer: Answerer | None = None, fusion: str = "rrf"):
        self.index = index
        self.answerer = answerer or self.extractive()
        self.fusion = fusion

    def make_answerer(self, settings) -> Answerer:
        """The answerer `settings` choose: extractive, or generative with their chat model."""
        if settings.answerer == "extractive":
            return self.extractive()
        if settings.answerer != "generative":
            from qa.llm import ModelUnavailable

            raise ModelUnavailable(f"unknown answerer {settings.answerer!r}; use 'extractive' or 'generative'")
        from qa.generate import GenerationSettings, GenerativeAnswerer
        from qa.llm import chat_model

        return GenerativeAnswerer(chat_model(settings), self, GenerationSettings(
            context_tokens=settings.llm_context_tokens, unsupported=settings.llm_unsupported))

    def extractive(self) -> ExtractiveAnswerer:
        """The default answerer over this index, with its stored sentence vectors."""
        return ExtractiveAnswerer(self.index.embedder, sentence_vectors=self.index.sentence_vectors)

    def search(self, text: str, k: int = PASSAGES, filters: Filters | None = None,
               councils_only: bool = False) -> tuple[Query, list[Hit]]:
        query = reach(self.index, build_query(self.index, text, filters, councils_only=councils_only))
        return query, search(self.index, query, k, fusion=self.fusion)

    def ask(self, question: str, filters: Filters | None = None, k: int = PASSAGES) -> Answer:
        """Answer from the letters' sentences; a question about many documents at once (which, how many,
        compare, a council over time) from every matching document's metadata and grade lines."""
        query, hits = self.search(question, max(k, PASSAGES), filters)
        selection = read_selection(question, self.index.authorities())
        if selection is not None:
            return answer_aggregate(self.index, selection, question, hits, filters)
        return self.answerer.answer(query, hits)

    def check(self, text: str, single_claim: bool = False) -> list[Verdict]:
        from qa.check import check_text

        return check_text(self, text, single_claim=single_claim)
