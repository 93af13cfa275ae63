"""Scoring written answers beside extractive ones: support, citation precision, fallbacks, latency.

`recheck` is the harness's own check of what a written answer shows: every shown sentence is set
again against the letter sentence its citation quotes, with the claim checker's closeness and its
number, date, name, grade, quantifier, direction and negation checks. It must find nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eval import metrics
from ingest.sentences import split_sentences

if TYPE_CHECKING:
    from qa.models import Answer


def recheck(qa, answer) -> list[str]:
    """Shown sentences of a written answer that their cited letter sentences do not support."""
    from qa.generate import CITATION_KEY, best_supporting, closeness_to

    quotes = {c.n: c.quote for c in answer.citations}
    failing = []
    for a, b in split_sentences(answer.text):
        sentence = answer.text[a:b]
        bare = CITATION_KEY.sub("", sentence).strip()
        cited = [quotes[int(k)] for k in CITATION_KEY.findall(sentence) if int(k) in quotes]
        if not cited or best_supporting(bare, cited, closeness_to(qa, bare, cited)) is None:
            failing.append(sentence)
    return failing


def score_generation(qa, questions: list[dict], results: Sequence[tuple[Answer, float]]) -> dict:
    """Figures over (answer, seconds) pairs of the generative answerer for `questions`."""
    sentences = kept = keys_removed = fallbacks = asked = citations = holding = 0
    shown_unsupported: list[str] = []
    for q, (answer, _) in zip(questions, results):
        g = answer.generated
        if g is None:
            continue  # abstained before any model was asked
        asked += 1
        sentences += g.sentences
        kept += g.kept
        keys_removed += g.keys_removed
        fallbacks += g.fell_back
        if answer.answerer == "generative":
            shown_unsupported += recheck(qa, answer)
            passages = {h.chunk.chunk_id: h.chunk.text for h in answer.hits}
            for c in answer.citations:  # does the cited passage hold a gold evidence quote?
                citations += 1
                holding += any(c.doc_id == e["doc"] and metrics.holds(passages.get(c.chunk_id, c.quote), e["quote"])
                               for e in q.get("evidence", []))
    seconds = [s for _, s in results]
    return {
        "model_asked": asked, "sentences": sentences, "kept": kept, "dropped_or_flagged": sentences - kept,
        "supported_share": kept / sentences if sentences else None,
        "citations": citations, "citations_holding_evidence": holding / citations if citations else None,
        "keys_removed": keys_removed, "fallback_rate": fallbacks / asked if asked else None,
        "shown_unsupported": shown_unsupported,
        "p50_ms": 1000 * metrics.percentile(seconds, 50) if seconds else None,
        "p95_ms": 1000 * metrics.percentile(seconds, 95) if seconds else None,
    }
