"""The sentences that might answer a question, each with the signals the answer models weigh.

Gathering is the costly part of answering (one question embedding, sentence vectors, term
coverage) and does not depend on the fitted models, so development runs gather once and fit
and cross-validate the decisions on what was gathered.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from ingest.dates import dates_in
from ingest.quotes import holds_quote
from ingest.sentences import split_sentences
from qa.answer_types import (
    asked_unit,
    asks_grade,
    asks_name,
    asks_quantity,
    asks_when,
    figure_fits,
    has_figure,
    has_name,
    list_marker,
    quoted_phrases,
)
from qa.grades import area_named
from qa.models import Hit
from qa.retrieve import Query, spans_time
from qa.terms import covered, missing
from qa.text import tokens

PASSAGES = 8  # top passages whose sentences are candidates
MAX_EMBEDDED = 40  # sentences compared with the question by embedding

# A sentence that leans on the one before it: its quotation brings that sentence along.
_LEANS = re.compile(r"^(?:This|These|That|Those|It|They|Their|Such|Both|Neither|Of these|As a result|Consequently|"
                    r"Despite this|Therefore|In these cases|In addition|Most, although not all|However, this)\b")


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage (offsets in its document's text, list marker left out)."""

    hit: Hit
    start: int
    end: int
    text: str
    features: dict = field(compare=False)
    lead_start: int | None = None  # where the sentence it leans on starts, when it leans on one


@dataclass(frozen=True)
class Gathered:
    """What a question found: its passages, candidate sentences and question-level signals."""

    query: Query
    hits: tuple[Hit, ...]
    candidates: tuple[Candidate, ...]
    features: dict = field(compare=False)
    refusal: str = ""  # a reason no answer is possible whatever the models say
    missing_terms: tuple[str, ...] = ()


def gather(query: Query, hits: list[Hit], embedder, sentence_vectors=None) -> Gathered:
    """Candidates and signals for `query` over `hits` (retrieval has brought grade tables forward for a
    question about grades: those among the hits count wherever they rank)."""
    hits = list(hits)
    if not tokens(query.text):
        return Gathered(query, tuple(hits), (), {}, "the question has no words or numbers the letters could use")
    refusal = _out_of_scope(query, hits)
    if not hits and not query.explicit.is_empty():
        refusal = f"no indexed letter matches the filters given ({query.scope.describe() or 'as set'})"
    if refusal:
        return Gathered(query, tuple(hits), (), {}, refusal)
    groups, weights = list(query.groups), list(query.weights)
    grade_q = asks_grade(query.text)
    spans = _spans(hits[:PASSAGES] + ([h for h in hits[PASSAGES:] if _holds_grades(h)] if grade_q else []))
    top_text = " ".join(h.chunk.text for h in hits[:5])
    qfeat = _question_features(query, hits, top_text, groups, weights)
    if not spans:
        return Gathered(query, tuple(hits), (), qfeat, "", tuple(missing(groups, top_text)))
    coverage = [covered(groups, weights, s[3]) for s in spans]
    keep = [i for i, s in enumerate(spans) if s[0].rank <= 3 or coverage[i] > 0 or s[4]]
    keep = sorted(keep, key=lambda i: (not spans[i][4], -coverage[i], spans[i][0].rank))[:MAX_EMBEDDED]
    qvec = embedder.embed_query(query.dense_text)
    sims = sentence_matrix(embedder, sentence_vectors,
                           [(spans[i][0].chunk.chunk_id, spans[i][6], spans[i][3]) for i in keep]) @ qvec
    area = area_named(query.text)
    quantity, name, when = asks_quantity(query.text), asks_name(query.text), asks_when(query.text)
    unit = asked_unit(query.text) if quantity else None
    candidates = []
    for i, sim in zip(keep, sims):
        hit, start, end, text, grade_row, lead, _ = spans[i]
        figure, named, dated = has_figure(text), has_name(text, query.text), bool(dates_in(text))
        f = {
            "sim": float(sim), "cov": coverage[i], "inv_rank": 1.0 / hit.rank, "hit_dense": hit.dense or 0.0,
            "keyword": 1.0 if hit.keyword is not None else 0.0,
            "grade_row": float(grade_row), "grade_match": float(grade_row and grade_q),
            "area_match": float(grade_row and grade_q and area in text.lower()),
            "figure": float(figure), "figure_match": float(quantity and figure_fits(text, unit)),
            "name_match": float(named and name),
            "date_match": float(dated and when), "length": math.log(1 + len(tokens(text))),
            "leans": float(lead is not None), "first_passage": float(hit.chunk.ordinal == 0),
        }
        candidates.append(Candidate(hit, start, end, text, f, lead))
    qfeat["best_sim"] = max((c.features["sim"] for c in candidates), default=0.0)
    qfeat["best_cov"] = max((c.features["cov"] for c in candidates), default=0.0)
    _relative(candidates, "sim")
    _relative(candidates, "cov")
    on_topic = [c for c in candidates if c.features["cov"] >= 0.5 * qfeat["best_cov"] and c.features["cov"] > 0]
    figure_found = any(c.features["figure_match"] for c in on_topic)
    qfeat["quantity_unmet"] = float(quantity and not figure_found)
    qfeat["name_unmet"] = float(name and not any(c.features["name_match"] for c in on_topic))
    qfeat["grade_unmet"] = float(grade_q and not any(c.features["grade_match"] for c in candidates))
    return Gathered(query, tuple(hits), tuple(candidates), qfeat, "", tuple(missing(groups, top_text)))


def _relative(candidates: list[Candidate], name: str) -> None:
    """Each candidate's standing among this question's candidates: its gap to the best, and 1/rank."""
    values = sorted((c.features[name] for c in candidates), reverse=True)
    for c in candidates:
        c.features[f"{name}_gap"] = values[0] - c.features[name]
        c.features[f"{name}_rank"] = 1.0 / (1 + values.index(c.features[name]))


def _question_features(query: Query, hits: list[Hit], top_text: str, groups, weights) -> dict:
    total = sum(weights) or 1.0
    missing_weights = [w for g, w in zip(groups, weights) if covered([g], [1.0], top_text) == 0.0]
    unquoted = [q for q in quoted_phrases(query.text) if not holds_quote(q, top_text)]
    return {
        "cov_top": covered(groups, weights, top_text), "top_dense": hits[0].dense or 0.0 if hits else 0.0,
        "groups": float(len(groups)), "missing_share": sum(missing_weights) / total,
        "max_missing": max(missing_weights, default=0.0), "unquoted": float(bool(unquoted)),
        "asks_grade": float(asks_grade(query.text)),
        "over_time": float(spans_time(query.text)), "loosened": float(bool(query.loosened)),
    }


def _spans(hits: list[Hit]) -> list[tuple]:
    """(hit, start, end, sentence, is a grade row, start of the sentence it leans on, the sentence's span in
    its passage as split at ingest) for each sentence."""
    out, seen = [], set()
    for hit in hits:
        text = hit.chunk.text
        rows = {j.text for j in hit.doc.meta.judgements}
        sentences = split_sentences(text)
        for n, (a0, b) in enumerate(sentences):
            a = a0 + list_marker(text[a0:b])
            sentence = text[a:b]
            key = (hit.doc.doc_id, hit.chunk.start + a)
            grade_row = sentence in rows
            if key in seen or (len(tokens(sentence)) < 5 and not grade_row):
                continue  # headings, sign-offs and fragments answer nothing; grade rows do
            seen.add(key)
            lead = None
            if n and _LEANS.match(sentence) and "\n\n" not in text[sentences[n - 1][1]:a]:
                before = sentences[n - 1]
                lead = hit.chunk.start + before[0] + list_marker(text[before[0]:before[1]])
            out.append((hit, hit.chunk.start + a, hit.chunk.start + b, sentence, grade_row, lead, (a0, b)))
    return out


def _holds_grades(hit: Hit) -> bool:
    """True for a passage holding rows of its report's grade table."""
    return any(j.text in hit.chunk.text for j in hit.doc.meta.judgements)


def sentence_matrix(embedder, sentence_vectors, rows: list[tuple[str, tuple[int, int], str]]) -> np.ndarray:
    """A vector per (chunk id, the sentence's span in that chunk, sentence): the one stored at ingest
    (`sentence_vectors(chunk_ids)`) where there is one, else embedded now."""
    stored = sentence_vectors(sorted({chunk_id for chunk_id, _, _ in rows})) if sentence_vectors else {}
    kept: list[np.ndarray | None] = [stored.get(chunk_id, {}).get(span) for chunk_id, span, _ in rows]
    todo = [n for n, r in enumerate(kept) if r is None]
    embedded = dict(zip(todo, embedder.embed([rows[n][2] for n in todo]))) if todo else {}
    found = [vector if vector is not None else embedded[n] for n, vector in enumerate(kept)]
    return np.stack(found) if found else np.zeros((0, embedder.dim), dtype=np.float32)


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
