"""Answerers turn retrieved passages into an `Answer`; the extractive one quotes the letters' sentences."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from ingest.sentences import split_sentences
from qa.answer_types import asks_name, asks_quantity, has_figure, has_name, mentions, quoted_phrases
from qa.models import Answer, Citation, Hit
from qa.retrieve import Query, spans_time
from qa.terms import covered, missing
from qa.text import tokens

ABSTAIN_TEXT = "The indexed letters do not address this."


class Answerer(ABC):
    """Makes an answer from a question and the passages retrieved for it."""

    name: str = ""

    @abstractmethod
    def answer(self, query: Query, hits: list[Hit]) -> Answer:
        """An `Answer` citing only the given hits, or an abstention."""


@dataclass(frozen=True)
class Thresholds:
    """When evidence is too weak to answer; set on the whole evaluation sets, not on one question."""

    min_coverage: float = 0.6  # share of the question's key terms found in the best passages
    min_sentence: float = 0.35  # score of the best sentence
    keep_ratio: float = 0.8  # further sentences must score this share of the best one
    over_time_ratio: float = 0.6  # the same, for each letter's sentence in a question about change
    max_sentences: int = 5
    max_per_letter: int = 2
    passages: int = 8  # how many top passages sentences are drawn from
    max_embedded: int = 32  # sentences compared with the question by embedding


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # offsets in the document's text
    end: int
    text: str
    similarity: float
    coverage: float

    @property
    def score(self) -> float:
        return 0.5 * self.similarity + 0.5 * self.coverage - 0.01 * self.hit.rank


class ExtractiveAnswerer(Answerer):
    """Quotes the sentences that answer the question, each cited; abstains when evidence is weak."""

    name = "extractive"

    def __init__(self, embedder, thresholds: Thresholds = Thresholds(), sentence_vectors=None):
        """`sentence_vectors(chunk_ids)` gives vectors stored at ingest; sentences without one are embedded."""
        self.embedder = embedder
        self.thresholds = thresholds
        self.sentence_vectors = sentence_vectors

    def answer(self, query: Query, hits: list[Hit]) -> Answer:
        t = self.thresholds
        hits = list(hits)
        if not tokens(query.text):  # '', '?!…—', emoji, a script the letters are not written in
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(),
                          reason="the question has no words or numbers the letters could use")
        refusal = _out_of_scope(query, hits)
        if refusal:
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(), reason=refusal)
        groups, weights = list(query.groups), list(query.weights)
        top_text = " ".join(h.chunk.text for h in hits[:5])
        coverage = covered(groups, weights, top_text)
        candidates = self._candidates(query, hits[: t.passages], groups, weights)
        if not candidates:
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(),
                          reason="no passage was found")
        best = max(candidates, key=lambda c: c.score)
        unquoted = [q for q in quoted_phrases(query.text) if not mentions(top_text, q)]
        if unquoted:
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(),
                          reason=f"the letters found never use the words quoted: {'; '.join(unquoted)}")
        if coverage < t.min_coverage or best.score < t.min_sentence:
            reason = (f"the letters found never mention: {', '.join(missing(groups, top_text))}"
                      if coverage < t.min_coverage else f"no sentence answers it closely (best {best.score:.2f})")
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(), reason=reason)
        close = [c for c in candidates if c.score >= best.score * t.keep_ratio]
        if asks_quantity(query.text) and not any(has_figure(c.text) for c in close):
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(),
                          reason="it asks for a figure and no close sentence gives one")
        if asks_name(query.text) and not any(has_name(c.text, query.text) for c in close):
            return Answer(query.text, ABSTAIN_TEXT, True, hits=tuple(hits), scope=query.scope.describe(),
                          reason="it asks for a name and no close sentence gives one")
        chosen = select_over_time(candidates, t) if spans_time(query.text) else select(candidates, t)
        citations = []
        for n, c in enumerate(chosen, 1):
            citations.append(Citation(n=n, doc_id=c.hit.doc.doc_id, title=c.hit.doc.meta.title, date=c.hit.doc.meta.date,
                                      section=c.hit.chunk.section, quote=c.text, start=c.start, end=c.end,
                                      chunk_id=c.hit.chunk.chunk_id))
        return Answer(query.text, compose(citations, hits), False, tuple(citations), tuple(hits), query.scope.describe())

    def _candidates(self, query: Query, hits: list[Hit], groups, weights) -> list[Candidate]:
        spans = []
        for hit in hits:
            text = hit.chunk.text
            rows = {j.text for j in hit.doc.meta.judgements}
            for a, b in split_sentences(text):
                sentence = text[a:b]
                if len(tokens(sentence)) < 5 and sentence not in rows:
                    continue  # headings, sign-offs and fragments answer nothing; grade rows do
                spans.append((hit, hit.chunk.start + a, hit.chunk.start + b, sentence))
        if not spans:
            return []
        coverage = [covered(groups, weights, s) for *_, s in spans]
        # Embedding is the cost: only sentences of the best passages or using the question's terms.
        keep = [i for i, (hit, *_) in enumerate(spans) if hit.rank <= 3 or coverage[i] > 0]
        keep = sorted(keep, key=lambda i: (-coverage[i], spans[i][0].rank))[: self.thresholds.max_embedded]
        qvec = self.embedder.embed_query(query.dense_text)
        sims = self._vectors([spans[i] for i in keep]) @ qvec
        return [
            Candidate(spans[i][0], spans[i][1], spans[i][2], spans[i][3], float(sim), coverage[i])
            for i, sim in zip(keep, sims)
        ]


    def _vectors(self, spans: list[tuple]) -> np.ndarray:
        """A vector per (hit, start, end, sentence): stored at ingest where possible, else embedded now."""
        stored = self.sentence_vectors(sorted({h.chunk.chunk_id for h, *_ in spans})) if self.sentence_vectors else {}
        rows: list[np.ndarray | None] = []
        for hit, start, end, _ in spans:
            key = (start - hit.chunk.start, end - hit.chunk.start)
            rows.append(stored.get(hit.chunk.chunk_id, {}).get(key))
        todo = [n for n, r in enumerate(rows) if r is None]
        if todo:
            for n, vector in zip(todo, self.embedder.embed([spans[n][3] for n in todo])):
                rows[n] = vector
        return np.stack(rows) if rows else np.zeros((0, self.embedder.dim), dtype=np.float32)


def select(candidates: list[Candidate], t: Thresholds) -> list[Candidate]:
    """The sentences to quote: close to the best, no near-duplicates, a few per letter, by letter date."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0].score
    chosen: list[Candidate] = []
    per_letter: dict[str, int] = {}
    for c in ranked:
        if len(chosen) >= t.max_sentences or c.score < best * t.keep_ratio:
            break
        if per_letter.get(c.hit.doc.doc_id, 0) >= t.max_per_letter:
            continue
        if any(_near_duplicate(c.text, other.text) for other in chosen):
            continue
        chosen.append(c)
        per_letter[c.hit.doc.doc_id] = per_letter.get(c.hit.doc.doc_id, 0) + 1
    return sorted(chosen, key=lambda c: (c.hit.doc.meta.when or "9999", c.hit.doc.doc_id, c.start))


def select_over_time(candidates: list[Candidate], t: Thresholds) -> list[Candidate]:
    """For questions about change: the best sentence of each letter that speaks to it, by letter date."""
    best = max(c.score for c in candidates)
    per_letter: dict[str, Candidate] = {}
    for c in sorted(candidates, key=lambda c: -c.score):
        if c.score >= best * t.over_time_ratio and c.hit.doc.doc_id not in per_letter:
            if not any(_near_duplicate(c.text, other.text) for other in per_letter.values()):
                per_letter[c.hit.doc.doc_id] = c
    chosen = sorted(per_letter.values(), key=lambda c: -c.score)[: t.max_sentences]
    return sorted(chosen, key=lambda c: (c.hit.doc.meta.when or "9999", c.hit.doc.doc_id, c.start))


def compose(citations: list[Citation], hits: list[Hit]) -> str:
    """The answer text: each quoted sentence followed by its [n], grouped by letter when there are several."""
    letters = list(dict.fromkeys(c.doc_id for c in citations))
    if len(letters) == 1:
        return " ".join(f"{c.quote} [{c.n}]" for c in citations)
    titles = {h.doc.doc_id: h.doc.meta.title for h in hits}
    parts = []
    for doc_id in letters:
        quoted = " ".join(f"{c.quote} [{c.n}]" for c in citations if c.doc_id == doc_id)
        parts.append(f"{titles.get(doc_id, doc_id)}: {quoted}")
    return "\n\n".join(parts)


def _near_duplicate(a: str, b: str) -> bool:
    x, y = set(tokens(a)), set(tokens(b))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) > 0.8


def _out_of_scope(query: Query, hits: list[Hit]) -> str:
    """Why the hits cannot answer a question about a council the index does not hold, if so."""
    scope = query.scope
    if scope.unknown_authorities and not scope.filters.local_authorities:
        return f"the index holds no letters about {', '.join(scope.unknown_authorities)}"
    if scope.filters.local_authorities and hits and not any(
        h.doc.meta.local_authority in scope.filters.local_authorities for h in hits
    ):
        return f"the index holds no matching letters about {', '.join(scope.filters.local_authorities)}"
    return ""
