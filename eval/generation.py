"""Scoring written answers beside extractive ones: support, citation precision, fallbacks, latency.

`recheck` is the harness's own check of what a written answer shows: every shown sentence is set
again against the letter sentence its citation quotes, with the claim checker's closeness and its
number, date, name, grade, quantifier, direction and negation checks. It must find nothing.
"""

from __future__ import annotations

import re
import statistics

from eval import metrics
from ingest.sentences import split_sentences
from qa import checks

_KEY = re.compile(r"\[(\d{1,3})\]")


def recheck(qa, answer) -> list[str]:
    """Shown sentences of a written answer that their cited letter sentences do not support."""
    from qa.check import CLOSE, closeness, precise_embedder
    from qa.generate import term_groups_for
    from qa.terms import covered

    quotes = {c.n: c.quote for c in answer.citations}
    embedder = precise_embedder(qa)
    failing = []
    for a, b in split_sentences(answer.text):
        sentence = answer.text[a:b]
        keys = [int(k) for k in _KEY.findall(sentence)]
        bare = _KEY.sub("", sentence).strip()
        cited = [quotes[k] for k in keys if k in quotes]
        if not cited:
            failing.append(sentence)
            continue
        groups, weights = term_groups_for(qa.index, bare)
        sims = embedder.embed(cited) @ embedder.embed([bare])[0]
        scores = [closeness(float(sims[i]), covered(groups, weights, cited[i])) for i in range(len(cited))]
        best = max(range(len(cited)), key=scores.__getitem__)
        score = scores[best]
        if score < CLOSE or any(check(bare, cited[best]) for check in checks.ALL_CHECKS):
            failing.append(sentence)
    return failing


def score_generation(qa, questions: list[dict], results: list[tuple[object, float]]) -> dict:
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
    seconds = sorted(s for _, s in results)
    return {
        "model_asked": asked, "sentences": sentences, "kept": kept, "dropped_or_flagged": sentences - kept,
        "supported_share": kept / sentences if sentences else None,
        "citations": citations, "citations_holding_evidence": holding / citations if citations else None,
        "keys_removed": keys_removed, "fallback_rate": fallbacks / asked if asked else None,
        "shown_unsupported": shown_unsupported,
        "p50_ms": 1000 * statistics.median(seconds) if seconds else None,
        "p95_ms": 1000 * seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))] if seconds else None,
    }
