"""Retrieval and answer metrics against gold evidence quotes (see shared eval README)."""

from __future__ import annotations

import math
from difflib import SequenceMatcher

from ingest.quotes import straighten


def normalise(text: str) -> str:
    """Whitespace collapsed and curly quotes straightened, so quotes compare as the README says."""
    return " ".join(straighten(text).split())


def holds(passage: str, quote: str) -> bool:
    """True when `passage` holds `quote`, or at least half of it contiguously (a split at a chunk boundary).

    holds('... the quote is here ...', 'the quote is here') -> True
    """
    p, q = normalise(passage).lower(), normalise(quote).lower()
    if not q:
        return False
    if q in p:
        return True
    match = SequenceMatcher(None, p, q, autojunk=False).find_longest_match(0, len(p), 0, len(q))
    return match.size >= len(q) / 2


def evidence_ranks(passages: list[dict], evidence: list[dict]) -> list[int | None]:
    """For each gold item, the 1-based rank of the first passage of its document holding its quote."""
    ranks = []
    for item in evidence:
        found = None
        for i, p in enumerate(passages, 1):
            if p["doc"] == item["doc"] and holds(p["text"], item["quote"]):
                found = i
                break
        ranks.append(found)
    return ranks


def answer_evidence(citations: list[dict], evidence: list[dict]) -> int:
    """How many gold evidence items the shown answer cites: a citation of that document whose quote holds
    the gold quote, or half of it (an abstention cites nothing)."""
    return sum(1 for ev in evidence if any(c["doc"] == ev["doc"] and holds(c["quote"], ev["quote"]) for c in citations))


def recall_at(ranks: list[int | None], k: int) -> float:
    """Share of gold items found in the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr_at(ranks: list[int | None], k: int = 10) -> float:
    """Reciprocal rank of the first gold item found in the top k."""
    found = [r for r in ranks if r is not None and r <= k]
    return 1.0 / min(found) if found else 0.0


def ndcg_at(ranks: list[int | None], k: int = 10) -> float:
    """Binary-relevance nDCG: each gold item counts once, at its first rank."""
    hits = sorted({r for r in ranks if r is not None and r <= k})
    dcg = sum(1.0 / math.log2(r + 1) for r in hits)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(ranks), k)))
    return dcg / ideal if ideal else 0.0


def is_verbatim(quote: str, source: str) -> bool:
    """True when a citation stands word for word in its source (whitespace and quote style aside)."""
    return bool(quote.strip()) and normalise(quote) in normalise(source)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
