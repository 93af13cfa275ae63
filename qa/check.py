"""Claim checking: find the claims in a text, align each with the letters, and give a verdict."""

from __future__ import annotations

import re

from ingest.sentences import split_sentences
from qa import checks
from qa.terms import covered, missing
from qa.models import Evidence, Verdict
from qa.text import tokens

SUPPORT_SIMILARITY = 0.55  # alignment below this (and low term coverage) means the letters are silent
SUPPORT_COVERAGE = 0.6
ALTERED_RATIO = 0.5  # a quotation this close to a letter's words, but not verbatim, was altered

_QUOTED = re.compile(r"[“\"]([^”\"]{8,}?)[”\"]|‘([^’]{12,}?)’(?!\w)")
_ATTRIBUTION = re.compile(
    r"\b(?:ofsted|inspectors?|inspection|inspectorate|monitoring visit|focused visit|rated|judged|graded|"
    r"said|found|described|praised|criticised|according to)\b",
    re.I,
)
_BOILERPLATE = re.compile(r"\b(?:comments?|report this|read the rules|click|subscribe|to read the letter|copyright)\b", re.I)


def quotations(claim: str) -> list[str]:
    """The words a claim puts in quotation marks: 'said "all are unfit"' -> ['all are unfit']."""
    return [(a or b).strip() for a, b in _QUOTED.findall(claim)]


def find_claims(text: str) -> list[str]:
    """Check-worthy sentences of an article: attributions to Ofsted, quotations, numbers, grades."""
    claims = []
    for a, b in split_sentences(text):
        sentence = " ".join(text[a:b].split())
        if len(tokens(sentence)) < 6 or _BOILERPLATE.search(sentence):
            continue
        if _ATTRIBUTION.search(sentence) or quotations(sentence) or checks.numbers(sentence) or checks.grade(sentence):
            claims.append(sentence)
    return claims


def check_text(qa, text: str, single_claim: bool = False) -> list[Verdict]:
    """Verdicts for the claim `text` (single_claim) or for each claim found in it."""
    claims = [" ".join(text.split())] if single_claim else find_claims(text)
    return [judge(qa, claim) for claim in claims if claim]


def judge(qa, claim: str) -> Verdict:
    """Supported, contradicted or not found, with the evidence and a reason a person can check."""
    query, hits = qa.search(claim, k=10)
    candidates = _aligned(qa, query, hits)
    quotes = [_forensics(qa, q) for q in quotations(claim)]
    quote_status = _overall(quotes)
    if not candidates:
        return Verdict(claim, "not_found", "nothing in the letters is close to this claim", quote_status, (), tuple(quotes))
    best_sim, best_cov, best = candidates[0]
    evidence = tuple(e for _, _, e in candidates[:3])
    if best_sim < SUPPORT_SIMILARITY and best_cov < SUPPORT_COVERAGE:
        lacking = missing(list(query.groups), best.quote)
        reason = f"the letters never say this; the closest sentence lacks: {', '.join(lacking)}" if lacking else \
            "no sentence in the letters says this"
        if quote_status == "verbatim":
            return Verdict(claim, "supported", "the quotation stands in the letter", quote_status, evidence, tuple(quotes))
        return Verdict(claim, "not_found", reason, quote_status, evidence, tuple(quotes))
    for check in (checks.check_numbers, checks.check_grade, checks.check_quantifier, checks.check_polarity, checks.check_negation):
        conflict = check(claim, best.quote)
        if conflict:
            return Verdict(claim, "contradicted", conflict, quote_status, evidence, tuple(quotes))
    if quote_status == "altered":
        return Verdict(claim, "contradicted", "the quotation is altered: " + quotes[0].get("summary", ""), quote_status, evidence, tuple(quotes))
    return Verdict(claim, "supported", f"the letter says: “{best.quote}”", quote_status, evidence, tuple(quotes))


def _aligned(qa, query, hits) -> list[tuple[float, float, Evidence]]:
    """Sentences of the hits ranked by closeness to the claim (cosine and key-term coverage)."""
    spans = []
    for hit in hits[:8]:
        for a, b in split_sentences(hit.chunk.text):
            sentence = hit.chunk.text[a:b]
            if len(tokens(sentence)) >= 4:
                spans.append((hit, hit.chunk.start + a, hit.chunk.start + b, sentence))
    if not spans:
        return []
    embedder = qa.index.embedder
    sims = embedder.embed([s for *_, s in spans]) @ embedder.embed_query(query.text)
    groups, weights = list(query.groups), list(query.weights)
    ranked = []
    for (hit, a, b, sentence), sim in zip(spans, sims):
        cov = covered(groups, weights, sentence)
        ev = Evidence(hit.doc.doc_id, hit.doc.meta.title, hit.doc.meta.date, sentence, a, b,
                      hit.doc.meta.source_kind, float(sim))
        ranked.append((float(sim), cov, ev))
    # official letters first among near-equals: a press article is support only when nothing official is
    ranked.sort(key=lambda r: -(0.6 * r[0] + 0.4 * r[1] + (0.02 if r[2].source_kind == "official" else 0.0)))
    return ranked


def _forensics(qa, quote: str) -> dict:
    """Where a quotation stands in the letters: verbatim, altered (with a word diff) or absent."""
    docs = {d.doc_id: d for d in qa.index.documents() if d.duplicate_of is None}
    ordered = sorted(docs.values(), key=lambda d: d.meta.source_kind != "official")
    for doc in ordered:
        if checks.find_verbatim(quote, doc.text):
            sentence = _sentence_with(doc.text, quote)
            return {"quote": quote, "status": "verbatim", "doc": doc.doc_id, "sentence": sentence, "diff": []}
    best: tuple = (0.0, "", None, "")
    _, quote_hits = qa.search(quote, k=5)
    for hit in sorted(quote_hits, key=lambda h: h.doc.meta.source_kind != "official"):
        for a, b in split_sentences(hit.chunk.text):
            ratio, window = checks.closest_window(quote, hit.chunk.text[a:b])
            if ratio > best[0]:
                best = (ratio, hit.chunk.text[a:b], hit.doc.doc_id, window)
    if best[0] >= ALTERED_RATIO:
        diff = checks.word_diff(quote, best[3])
        summary = "; ".join(f"{d['op']} '{d['letter']}'→'{d['quote']}'" if d["op"] == "changed" else
                            f"{d['op']} '{d['letter'] or d['quote']}'" for d in diff)
        return {"quote": quote, "status": "altered", "doc": best[2], "sentence": best[1], "diff": diff,
                "summary": summary}
    return {"quote": quote, "status": "absent", "doc": None, "sentence": None, "diff": []}


def _overall(quotes: list[dict]) -> str | None:
    if not quotes:
        return None
    statuses = {q["status"] for q in quotes}
    for status in ("absent", "altered", "verbatim"):
        if status in statuses:
            return status
    return None


def _sentence_with(text: str, quote: str) -> str:
    first = checks.normalise_quote(re.split(r"\.\.\.|…", quote)[0])
    for a, b in split_sentences(text):
        if first and first in checks.normalise_quote(text[a:b]):
            return text[a:b]
    return ""
