"""Claim checking: align each claim with the letters, weigh what differs, and give a verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

from index.index import Filters
from ingest.authorities import find_authorities
from ingest.duplicates import same_letter, shingles
from ingest.metadata import find_metadata
from ingest.models import Document
from ingest.quotes import quotations
from ingest.sentences import split_sentences
from qa import calibrated, checks
from qa.attribution import (
    Framing,
    attribute,
    attributed_letters,
    framed_attribution,
    letter_name,
)
from qa.calibrated import LogisticModel
from qa.claims import ATTRIBUTION, compound_parts, find_claims, is_question
from qa.evidence import sentence_matrix
from qa.forensics import examine, overall_status
from qa.grade_verdict import grade_verdict
from qa.models import Evidence, Verdict
from qa.terms import covered, missing
from qa.text import tokens
from qa.visit_dates import (
    duration_conflict,
    names_another_visit,
    visit_date_conflict,
    without_own_dates,
)

# Closeness of claim and sentence: 0.6 x cosine of their embeddings + 0.4 x share of the claim's key
# terms (weighted by rarity). Verdicts weigh it through the fitted models (qa/weights); these two
# lines remain for written-answer support and for wording a reason.
CLOSE = 0.56  # at or above, a written sentence is close enough to a letter sentence to be supported by it
SILENT = 0.40  # below, nothing in the letters speaks to the claim at all
OFFICIAL_MARGIN = 0.05  # an official sentence this close to the best press one is preferred
CLAIM_PASSAGES = 20  # passages searched for a claim's sentence; a reworded claim may sit low
ALIGNED_PASSAGES = 16  # of those, the passages whose sentences are compared with the claim


def check_text(qa, text: str, single_claim: bool = False, exclude: tuple[str, ...] = ()) -> list[Verdict]:
    """Verdicts for the claim `text` (single_claim) or for each claim found in it.

    `exclude` names documents that are not evidence: the article under check, when it is indexed.
    """
    if single_claim or len(split_sentences(text.strip())) == 1:  # one sentence is a claim, framed by itself
        return [judge(qa, " ".join(text.split()), None, tuple(exclude))]
    claims = find_claims(text)
    framing = Framing(find_metadata(text))
    exclude = tuple(exclude) + _indexed_copies(qa, text)
    return [judge(qa, claim, framing, exclude) for claim in claims]


def check_document(qa, doc: Document) -> list[Verdict]:
    """Verdicts for every claim of an indexed article, never citing the article itself."""
    return check_text(qa, doc.text, exclude=(doc.doc_id,))


@dataclass(frozen=True)
class Assessment:
    """What the letters hold for one claim, before a verdict: the evidence, what differs, and the signals
    the verdict model weighs."""

    claim: str
    evidence: tuple[Evidence, ...]
    conflicts: tuple[str, ...]  # each check's reason against the closest sentence, naming both sides' words
    quotes: tuple[dict, ...]
    quote_status: str | None
    attribution: str
    warning: str
    features: dict = field(compare=False)
    silent: str = ""  # why nothing was close, when nothing was
    elsewhere: tuple[str, ...] = ()  # differences from a letter of another visit than the claim reports


@dataclass(frozen=True)
class VerdictModels:
    """Two fitted models: does a letter speak to the claim (found), and does it say otherwise (contradicts)."""

    found: LogisticModel
    contradicts: LogisticModel

    @classmethod
    def shipped(cls) -> VerdictModels:
        return cls(calibrated.load("claim_found"), calibrated.load("claim_contradicts"))


@dataclass(frozen=True)
class ClaimAssessment:
    """A claim as assessed: by the grade tables when it states grades, else whole and, if compound, by parts."""

    claim: str
    graded: Verdict | None = None
    whole: Assessment | None = None
    parts: tuple[Assessment, ...] = ()


def judge(qa, claim: str, framing: Framing | None = None, exclude: tuple[str, ...] = (),
          models: VerdictModels | None = None) -> Verdict:
    """Supported, contradicted or not found, with the evidence and a reason a person can check."""
    return verdict_of(assess_claim(qa, claim, framing, exclude), models or VerdictModels.shipped())


def assess_claim(qa, claim: str, framing: Framing | None = None, exclude: tuple[str, ...] = ()) -> ClaimAssessment:
    if is_question(claim):
        return ClaimAssessment(claim, Verdict(claim, "not_found", "this is a question, not a claim: it asserts nothing "
                                              "to check", attribution=framing.describe() if framing else ""))
    graded = grade_verdict(qa, claim, framing, exclude)
    if graded is not None:
        return ClaimAssessment(claim, graded)
    within = attributed_letters(qa, claim, framing, exclude)
    parts = compound_parts(claim)
    return ClaimAssessment(claim, None, assess(qa, claim, framing, exclude, within),
                           tuple(assess(qa, p, framing, exclude, within) for p in parts))


def verdict_of(ca: ClaimAssessment, models: VerdictModels) -> Verdict:
    """The whole claim's verdict, unless one of its parts is contradicted: a compound claim is as wrong as
    its wrongest part."""
    if ca.graded is not None:
        return ca.graded
    assert ca.whole is not None  # assess_claim assesses the whole claim whenever no grade verdict settles it
    whole = decide(ca.whole, models)
    if whole.verdict != "contradicted":
        for part in ca.parts:
            v = decide(part, models)
            if v.verdict == "contradicted":
                return replace(v, claim=ca.claim, reason=f"{v.reason} (in the part “{part.claim}”)")
    return whole


def assess(qa, claim: str, framing: Framing | None = None, exclude: tuple[str, ...] = (),
           within: tuple[str, ...] | None = None) -> Assessment:
    """The evidence for a claim and everything that differs, with the signals for a verdict."""
    within = attributed_letters(qa, claim, framing, exclude) if within is None else within
    quotes = tuple(examine(qa, q, exclude, within) for q in quotations(claim))
    quote_status = overall_status(list(quotes))
    # Search the letters the claim is about when it says which (council, year, the article's visit).
    scope = Filters(doc_ids=within, exclude_doc_ids=exclude) if within else Filters(exclude_doc_ids=exclude)
    query, hits = qa.search(claim, k=CLAIM_PASSAGES, filters=scope, councils_only=True)
    qvec = qa.index.embedder.embed_query(query.text)  # the claim, embedded once for every comparison
    ranked = _aligned(query, hits, qa, qvec)
    quoted = _quoted_sentences(qa, query, qvec, list(quotes))
    if quoted:  # a verbatim quotation locates its source: judge by the sentence that holds it
        ranked = quoted + [r for r in ranked if (r[2].doc_id, r[2].start) not in
                           {(q[2].doc_id, q[2].start) for q in quoted}]
    features = {f"quote_{s}": float(quote_status == s) for s in ("verbatim", "altered", "absent")}
    features["quote_meaning"] = float(any(q["status"] == "altered" and _meaning_changed(q) for q in quotes))
    features["claim_words"] = math.log(1 + len(tokens(claim)))
    features["attributed"] = float(bool(ATTRIBUTION.search(claim)))
    duration = (duration_conflict(qa, claim, framing, within, ranked[0][2].doc_id if ranked else None)
                or visit_date_conflict(qa, claim, framing, within, ranked[0][2].doc_id if ranked else None))
    features["dated"] = float(bool(duration))
    if not ranked:
        return Assessment(claim, (), (duration,) if duration else (), quotes, quote_status,
                          framing.describe() if framing else "", "", features,
                          "nothing in the letters is close to this claim")
    best_sim, best_cov, best = quoted[0] if quoted else _preferred(qa, ranked, framing)
    evidence = (best,) + tuple(e for _, _, e in ranked if (e.doc_id, e.start) != (best.doc_id, best.start))[:2]
    best_doc = qa.index.document(best.doc_id)
    attribution, warning = attribute(best, best_doc.meta, framing)
    if warning and framing is not None:  # only a framing gives a warning
        attribution = framed_attribution(qa, framing)
    other_visit = bool(warning) or names_another_visit(claim, best_doc)
    unnamed = framing is None and not find_authorities(claim)  # a grade of no named council is of no report
    compared = without_own_dates(claim, best_doc)  # "the 2021 inspection found ..." names the letter, not a fact
    conflicts: list[str] = []
    elsewhere: list[str] = []
    for check in checks.ALL_CHECKS:
        conflict = check(compared if check is checks.check_dates else claim, best.quote)
        if conflict and check is checks.check_grade and unnamed:
            conflict = None
        features[f"conflict_{check.__name__[6:]}"] = float(bool(conflict))
        if conflict:  # another visit's letter says nothing of this one
            (elsewhere if other_visit else conflicts).append(conflict)
    if duration:
        conflicts.append(duration)
    second = closeness(*ranked[1][:2]) if len(ranked) > 1 else 0.0
    lacking = missing(list(query.groups), best.quote)
    features.update(closeness=closeness(best_sim, best_cov), sim=best_sim, cov=best_cov, second=second,
                    any_conflict=float(bool(conflicts)), only_press=float(best.source_kind != "official"),
                    warning=float(bool(warning)), lacking=float(len(lacking)), quoted_source=float(bool(quoted)))
    silent = ("the letters never use: " + ", ".join(lacking)) if lacking else "no sentence in the letters says this"
    return Assessment(claim, evidence, tuple(conflicts), quotes, quote_status, attribution, warning, features, silent,
                      tuple(elsewhere))


def decide(a: Assessment, models: VerdictModels) -> Verdict:
    """The verdict the fitted models give an assessment; a contradiction also needs a named difference."""
    features = a.features
    if not a.evidence:
        if a.conflicts:  # a duration or visit date the letter's own dates contradict
            return Verdict(a.claim, "contradicted", a.conflicts[-1], a.quote_status, (), a.quotes, a.attribution)
        return Verdict(a.claim, "not_found", a.silent, a.quote_status, (), a.quotes, a.attribution, confidence="low")
    best = a.evidence[0]
    where = letter_name(best)
    source = " (only another press article says this)" if best.source_kind != "official" else ""
    p_found = models.found.probability(features)
    p_contra = models.contradicts.probability(features)
    t = models.contradicts.thresholds

    def verdict(kind: str, reason: str, sure: bool) -> Verdict:
        return Verdict(a.claim, kind, reason, a.quote_status, a.evidence, a.quotes, a.attribution, a.warning,
                       "high" if sure else "low")

    if features.get("dated"):  # the letter's own visit dates against the claim's: exact, not a matter of closeness
        return verdict("contradicted", f"{a.conflicts[-1]} — {where}", True)
    if a.conflicts and p_contra >= t.get("contradicted_above", 0.5) and (p_found >= models.found.thresholds.get(
            "found_above", 0.5) or features.get("quote_meaning")):
        sure = p_contra >= t.get("sure_above", 0.8) and not source
        return verdict("contradicted", f"{a.conflicts[0]} — {where}{source}", sure)
    if p_found < models.found.thresholds.get("found_above", 0.5):
        if features.get("quote_verbatim"):
            return verdict("supported", f"the quoted words stand in {where}{source}", False)
        if features["closeness"] < SILENT:
            return verdict("not_found", a.silent, True)
        return verdict("not_found", f"the closest sentence only partly matches: “{best.quote}” — {where}{source}",
                       False)
    if a.elsewhere:
        return verdict("not_found", f"no indexed letter of the visit the claim reports says this; {where}, another "
                                    f"visit, differs: {a.elsewhere[0]}", False)
    if a.conflicts:  # a difference the models do not trust enough to accuse: say so, do not accuse
        return verdict("not_found", f"the closest sentence differs ({a.conflicts[0]}), but may not speak of the "
                                    f"same thing: “{best.quote}” — {where}{source}", False)
    altered = next((q for q in a.quotes if q["status"] == "altered"), None)
    note = f"; the quotation is altered ({altered['summary']})" if altered else ""
    return verdict("supported", f"{where} says: “{best.quote}”{source}{note}",
                   not (a.warning or source) and p_found >= models.found.thresholds.get("sure_above", 0.8))


def _meaning_changed(quote: dict) -> bool:
    """True when an altered quotation differs from the letter in a figure, quantifier, direction or negation."""
    sentence = quote.get("sentence") or ""
    return any(check(quote["quote"], sentence) for check in
               (checks.check_numbers, checks.check_quantifier, checks.check_polarity, checks.check_negation,
                checks.check_grade))


def _aligned(query, hits, qa, qvec) -> list[tuple[float, float, Evidence]]:
    """Sentences of the hits, closest to the claim first (cosine and key-term coverage)."""
    spans = []
    for hit in hits[:ALIGNED_PASSAGES]:
        rows = {j.text for j in hit.doc.meta.judgements}
        for a, b in split_sentences(hit.chunk.text):
            sentence = hit.chunk.text[a:b]
            if len(tokens(sentence)) >= 4 or sentence in rows:
                spans.append((hit, hit.chunk.start + a, hit.chunk.start + b, sentence))
    if not spans:
        return []
    sims = sentence_matrix(qa.index.embedder, qa.index.sentence_vectors,
                           [(h.chunk.chunk_id, (a - h.chunk.start, b - h.chunk.start), s)
                            for h, a, b, s in spans]) @ qvec
    groups, weights = list(query.groups), list(query.weights)
    ranked = []
    for (hit, a, b, sentence), sim in zip(spans, sims):
        ev = Evidence(hit.doc.doc_id, hit.doc.meta.title, hit.doc.meta.date, sentence, a, b,
                      hit.doc.meta.source_kind, float(sim))
        ranked.append((float(sim), covered(groups, weights, sentence), ev))
    ranked.sort(key=lambda r: -closeness(r[0], r[1]))
    return ranked


def closeness(similarity: float, coverage: float) -> float:
    """How closely a letter sentence speaks to a claim: cosine and key-term coverage, weighed."""
    return 0.6 * similarity + 0.4 * coverage


def _quoted_sentences(qa, query, qvec, quotes: list[dict]) -> list[tuple[float, float, Evidence]]:
    """The letter sentences that hold the claim's verbatim quotations, aligned like any other."""
    rows = []
    for q in quotes:
        if q["status"] != "verbatim" or not q["sentence"]:
            continue
        doc = qa.index.document(q["doc"])
        start = doc.text.find(q["sentence"])
        sim = float(qa.index.embedder.embed([q["sentence"]])[0] @ qvec)
        ev = Evidence(doc.doc_id, doc.meta.title, doc.meta.date, q["sentence"], start, start + len(q["sentence"]),
                      doc.meta.source_kind, sim)
        rows.append((sim, covered(list(query.groups), list(query.weights), q["sentence"]), ev))
    return sorted(rows, key=lambda r: -closeness(r[0], r[1]))


def _preferred(qa, ranked, framing: Framing | None):
    """The sentence to judge by: among those nearly as close as the best, one from the visit the
    article frames, else an official one; press is support of last resort."""
    top = closeness(*ranked[0][:2])
    near = [row for row in ranked if closeness(*row[:2]) >= top - OFFICIAL_MARGIN]
    for wanted in (
        lambda e: e.source_kind == "official" and framing is not None
        and not attribute(e, qa.index.document(e.doc_id).meta, framing)[1],
        lambda e: e.source_kind == "official",
    ):
        for row in near:
            if wanted(row[2]):
                return row
    return ranked[0]


def _indexed_copies(qa, text: str) -> tuple[str, ...]:
    """Indexed documents that are the text under check (an article pasted back in), not ones it quotes."""
    mine = shingles(text)
    return tuple(d.doc_id for d in qa.index.documents() if same_letter(mine, _shingles(d.text)))


@lru_cache(maxsize=4096)
def _shingles(text: str) -> frozenset[int]:
    """A document's shingles, kept: every article checked is compared with every indexed document."""
    return frozenset(shingles(text))
