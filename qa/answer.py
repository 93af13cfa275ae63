"""Answerers turn retrieved passages into an `Answer`; the extractive one quotes the letters' sentences.

Which sentences to quote, and whether to answer at all, are decided by two logistic models fitted
on development questions (`qa/weights/`, `python -m eval.train`): one scores each candidate
sentence, the other the chance that the letters answer the question. Between "answer" and
"abstain" lies "answer, marked uncertain": the closest evidence, shown with a caveat.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, replace

from qa import calibrated
from qa.calibrated import LogisticModel
from qa.evidence import Candidate, Gathered, gather
from qa.grades import area_named
from qa.models import Answer, Citation, Hit
from qa.retrieve import Query, spans_time
from qa.text import tokens

ABSTAIN_TEXT = "The indexed letters do not address this."
UNCERTAIN_TEXT = "The letters may not answer this directly; the closest passages say:"


class Answerer(ABC):
    """Makes an answer from a question and the passages retrieved for it."""

    name: str = ""

    @abstractmethod
    def answer(self, query: Query, hits: list[Hit]) -> Answer:
        """An `Answer` citing only the given hits, or an abstention."""


@dataclass(frozen=True)
class AnswerModels:
    """The fitted sentence and answerability models, with the decision thresholds chosen for them."""

    sentence: LogisticModel
    answerable: LogisticModel

    @classmethod
    def shipped(cls) -> AnswerModels:
        return cls(calibrated.load("sentence"), calibrated.load("answerable"))

    @property
    def abstain_below(self) -> float:
        return float(self.answerable.thresholds.get("abstain_below", 0.5))

    @property
    def sure_above(self) -> float:
        return float(self.answerable.thresholds.get("sure_above", 0.5))

    @property
    def selection(self) -> Selection:
        """How many sentences to quote, as chosen with the sentence model (its thresholds), else the defaults."""
        t = self.sentence.thresholds
        return Selection(**{k: type(getattr(Selection(), k))(v)
                            for k, v in t.items() if k in Selection.__dataclass_fields__})


@dataclass(frozen=True)
class Selection:
    """How many sentences an answer quotes."""

    keep_ratio: float = 0.5  # further sentences must score this share of the best one
    over_time_ratio: float = 0.2  # the same, for each further letter's sentence in a question about change
    min_probability: float = 0.15
    max_sentences: int = 4
    max_per_letter: int = 2


class ExtractiveAnswerer(Answerer):
    """Quotes the sentences that answer the question, each cited; abstains when no passage answers."""

    name = "extractive"

    def __init__(self, embedder, sentence_vectors=None, models: AnswerModels | None = None):
        """`sentence_vectors(chunk_ids)` gives vectors stored at ingest."""
        self.embedder = embedder
        self.sentence_vectors = sentence_vectors
        self._models = models

    @property
    def models(self) -> AnswerModels:
        """The fitted models given, else those shipped in `qa/weights/` (read when first needed)."""
        if self._models is None:
            self._models = AnswerModels.shipped()
        return self._models

    def gather(self, query: Query, hits: list[Hit]) -> Gathered:
        return gather(query, hits, self.embedder, self.sentence_vectors)

    def answer(self, query: Query, hits: list[Hit]) -> Answer:
        return decide(self.gather(query, hits), self.models)


def scored(gathered: Gathered, sentence: LogisticModel) -> tuple[list[float], dict]:
    """Each candidate's probability of answering, and the question's features with the best of them."""
    probs = [sentence.probability(c.features) for c in gathered.candidates]
    features = dict(gathered.features, best_p=max(probs, default=0.0))
    return probs, features


def decide(gathered: Gathered, models: AnswerModels, selection: Selection | None = None) -> Answer:
    """The answer the models choose for what a question gathered."""
    g, query = gathered, gathered.query
    selection = selection or models.selection
    if g.refusal or not g.candidates:
        return _abstain(g, g.refusal or "no passage was found")
    probs, features = scored(g, models.sentence)
    p = models.answerable.probability(features)
    if features.get("unquoted"):  # words the question quotes stand in none of the passages
        return _abstain(g, _why_not(g, features), p)
    if features.get("best_sim", 0.0) < models.answerable.thresholds.get("min_similarity", 0.0):
        return _abstain(g, "nothing in the letters is close to this question", p)
    if p < models.abstain_below:
        return _abstain(g, _why_not(g, features), p)
    chosen = select(list(g.candidates), probs, selection, over_time=spans_time(query.text))
    whole_table = area_named(query.text) == "overall effectiveness"
    citations = _numbered([_citation(0, c, whole_table) for c in chosen])
    uncertain = p < models.sure_above
    text = compose(citations, list(g.hits))
    if uncertain:
        text = f"{UNCERTAIN_TEXT}\n\n{text}"
    return Answer(query.text, text, False, tuple(citations), g.hits, query.scope.describe(),
                  reason=_why_not(g, features) if uncertain else "", confidence=round(p, 3), uncertain=uncertain,
                  loosened=query.loosened)


def _abstain(g: Gathered, reason: str, p: float | None = None) -> Answer:
    return Answer(g.query.text, ABSTAIN_TEXT, True, hits=g.hits, scope=g.query.scope.describe(), reason=reason,
                  confidence=None if p is None else round(p, 3), loosened=g.query.loosened)


def _why_not(g: Gathered, features: dict) -> str:
    """The plainest reason the evidence is weak, for people."""
    if features.get("unquoted"):
        return "the letters found never use the words the question quotes"
    if features.get("quantity_unmet"):
        return "it asks for a figure and no close sentence gives one"
    if features.get("name_unmet"):
        return "it asks for a name and no close sentence gives one"
    if g.missing_terms:
        return f"the letters found never mention: {', '.join(g.missing_terms)}"
    return "no sentence answers it closely"


def select(candidates: list[Candidate], probs: list[float], s: Selection, over_time: bool = False) -> list[Candidate]:
    """The sentences to quote: the likeliest, near-duplicates and overlaps left out, a few per letter,
    one per letter for a question about change; in letter-date order."""
    order = sorted(range(len(candidates)), key=lambda i: -probs[i])
    best = probs[order[0]]
    per_letter_cap = 1 if over_time else s.max_per_letter
    chosen: list[Candidate] = []
    per_letter: dict[str, int] = {}
    for i in order:
        c = candidates[i]
        ratio = s.over_time_ratio if over_time else s.keep_ratio
        if chosen and (probs[i] < max(s.min_probability * (not over_time), best * ratio)
                       or len(chosen) >= s.max_sentences):
            break
        letter = c.hit.doc.doc_id
        if per_letter.get(letter, 0) >= per_letter_cap:
            continue
        if any(_overlaps(c, other) or _near_duplicate(c.text, other.text) for other in chosen):
            continue
        chosen.append(c)
        per_letter[letter] = per_letter.get(letter, 0) + 1
    return sorted(chosen, key=lambda c: (c.hit.doc.meta.when or "9999", c.hit.doc.doc_id, c.start))


def _citation(n: int, c: Candidate, whole_table: bool = False) -> Citation:
    """The citation of a chosen sentence, with the sentence it leans on when it leans on one; a grade
    row stands for the report's whole grade table unless the question names one area."""
    start = c.lead_start if c.lead_start is not None else c.start
    end = c.end
    if whole_table and c.features.get("grade_row"):
        doc = c.hit.doc
        rows = [(doc.text.find(j.text), j.text) for j in doc.meta.judgements]
        rows = [(a, t) for a, t in rows if a >= 0]
        if rows and min(a for a, _ in rows) <= start and max(a + len(t) for a, t in rows) >= end:
            start, end = min(a for a, _ in rows), max(a + len(t) for a, t in rows)
    quote = c.hit.doc.text[start:end]
    return Citation(n=n, doc_id=c.hit.doc.doc_id, title=c.hit.doc.meta.title, date=c.hit.doc.meta.date,
                    section=c.hit.chunk.section, quote=quote, start=start, end=end, chunk_id=c.hit.chunk.chunk_id)


def _numbered(citations: list[Citation]) -> list[Citation]:
    """Citations numbered 1.. in order, one for each stretch of text (rows of one grade table cite it once)."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Citation] = []
    for c in citations:
        if (c.doc_id, c.start, c.end) not in seen:
            seen.add((c.doc_id, c.start, c.end))
            out.append(replace(c, n=len(out) + 1))
    return out


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


def _overlaps(a: Candidate, b: Candidate) -> bool:
    if a.hit.doc.doc_id != b.hit.doc.doc_id:
        return False
    a0 = a.lead_start if a.lead_start is not None else a.start
    b0 = b.lead_start if b.lead_start is not None else b.start
    return a0 < b.end and b0 < a.end


def _near_duplicate(a: str, b: str) -> bool:
    x, y = set(tokens(a)), set(tokens(b))
    return bool(x and y) and len(x & y) / min(len(x), len(y)) > 0.8
