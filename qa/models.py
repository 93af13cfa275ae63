"""The records answers are made of: `Hit`, `Citation`, `Answer`, `Evidence`, `Verdict`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ingest.models import Chunk, Document, Judgement

if TYPE_CHECKING:
    from qa.generate import Generated  # qa.generate builds on these records


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with the document it comes from."""

    rank: int
    score: float
    chunk: Chunk
    doc: Document
    dense: float | None = None  # cosine similarity to the question, when it was computed
    keyword: float | None = None  # BM25, when the passage matched by keyword


@dataclass(frozen=True)
class Citation:
    """One numbered quotation: `quote == doc.text[start:end]`."""

    n: int
    doc_id: str
    title: str
    date: str | None
    section: str | None
    quote: str
    start: int
    end: int
    chunk_id: str


@dataclass(frozen=True)
class AggregateRow:
    """One document an answer about many documents rests on, with the grade lines it cites."""

    doc_id: str
    council: str
    doc_type: str
    title: str
    date: str | None
    date_basis: str | None
    visit_dates: tuple[str, ...]
    grades: tuple[Judgement, ...]  # the grade-table rows (or area SEND outcome) cited; () for a letter without
    citations: tuple[int, ...]  # the numbers of the answer's citations that quote this document


@dataclass(frozen=True)
class Aggregate:
    """An answer about many documents: every matching document, the count, and the rule in plain words."""

    kind: str  # "list" | "count" | "timeline" | "compare"
    rule: str  # e.g. "full inspections (ILACS and SIF) whose inspection dates fall in 2023"
    count: int
    unit: str  # what `count` counts: "documents" | "councils" | "areas"
    rows: tuple[AggregateRow, ...]


@dataclass(frozen=True)
class Answer:
    """An answer made of cited sentences, or an abstention; `hits` are always kept."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    scope: str = ""  # what the question was understood to be limited to, in words
    reason: str = ""  # why it abstained, when it did
    answerer: str = "extractive"  # which answerer wrote `text`
    generated: Generated | None = None  # for a written answer, what verification made of the model's text
    confidence: float | None = None  # the answerability model's probability that the letters answer it
    uncertain: bool = False  # shown with a caveat: the closest evidence, which may not answer it
    loosened: tuple[str, ...] = ()  # scope read from the question's words that matched nothing and was dropped
    aggregate: Aggregate | None = None  # for a question about many documents: every one that matches


@dataclass(frozen=True)
class Evidence:
    """A sentence of a letter set against a claim."""

    doc_id: str
    title: str
    date: str | None
    quote: str
    start: int
    end: int
    source_kind: str = "official"
    similarity: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """What the letters say of one claim."""

    claim: str
    verdict: str  # "supported" | "contradicted" | "not_found"
    reason: str
    quote_status: str | None = None  # None | "verbatim" | "altered" | "absent"
    evidence: tuple[Evidence, ...] = ()
    quotes: tuple[dict, ...] = field(default=(), compare=False)  # per quotation: text, status, diff, doc, sentence
    attribution: str = ""  # the letter (date, visit) the claim is traceable to
    warning: str = ""  # where the article's framing points at another visit than the evidence
    confidence: str = "high"  # "low" when the closest sentence only partly matches the claim
