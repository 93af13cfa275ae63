"""Claim checking: find the claims in a text, align each with the letters, and give a verdict."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.index import Filters
from ingest.duplicates import same_letter, shingles
from ingest.metadata import find_metadata
from ingest.models import Document, Metadata
from ingest.sentences import split_sentences
from qa import checks, grades
from ingest.quotes import quotations
from qa.forensics import examine, overall_status
from qa.models import Evidence, Verdict
from qa.terms import covered, missing
from qa.text import tokens

# Closeness of claim and sentence: 0.6 x cosine of their embeddings + 0.4 x share of the claim's key
# terms (weighted by rarity). Set on the whole claim set: BCP claims and both BCP press articles.
CLOSE = 0.56  # at or above, the sentence speaks to the claim and is judged against it
SILENT = 0.40  # below, the letters do not address the claim at all
OFFICIAL_MARGIN = 0.05  # an official sentence this close to the best press one is preferred
CLAIM_PASSAGES = 20  # passages searched for a claim's sentence; a reworded claim may sit low
ALIGNED_PASSAGES = 16  # of those, the passages whose sentences are compared with the claim

_ATTRIBUTION = re.compile(
    r"\b(?:ofsted|inspectors?|inspection|inspectorate|monitoring visit|focused visit|rated|judged|graded|"
    r"said|says|found|finds|described|praised|criticised|according to|report|letter)\b",
    re.I,
)
_BOILERPLATE = re.compile(
    r"\b(?:comments?|report this|read the rules|click|subscribe|sign up|newsletter|to read the letter|copyright|"
    r"cookies?|share this|follow us)\b",
    re.I,
)


@dataclass(frozen=True)
class Framing:
    """The visit an article says it reports on, read from the article itself."""

    meta: Metadata

    def describe(self) -> str:
        m = self.meta
        kind = m.doc_type.replace("_", " ")
        if m.visit_number:
            kind = f"monitoring visit {m.visit_number}"
        when = m.visit_dates[0][:7] if m.visit_dates else (m.date or "")[:7]
        return f"{kind} ({when})" if when else kind


def find_claims(text: str) -> list[str]:
    """Check-worthy sentences of an article: attributions to Ofsted, quotations, numbers, grades, dates.

    The journalist's framing without any of these, questions and site furniture are skipped; a
    sentence the text repeats is one claim.
    """
    claims = []
    lines = "\n\n".join(text.splitlines())  # an article's line breaks end its sentences and headings
    for a, b in split_sentences(lines):
        sentence = " ".join(lines[a:b].split())
        if len(tokens(sentence)) < 6 or _BOILERPLATE.search(sentence):
            continue
        if _question(sentence):
            continue
        if (_ATTRIBUTION.search(sentence) or quotations(sentence) or checks.numbers(sentence)
                or checks.grade(sentence) or checks.dates(sentence)):
            claims.append(sentence)
    return list(dict.fromkeys(claims))  # a sentence repeated is checked once


def check_text(qa, text: str, single_claim: bool = False, exclude: tuple[str, ...] = ()) -> list[Verdict]:
    """Verdicts for the claim `text` (single_claim) or for each claim found in it.

    `exclude` names documents that are not evidence: the article under check, when it is indexed.
    """
    if single_claim:
        return [judge(qa, " ".join(text.split()), None, exclude)]
    claims = find_claims(text)
    if not claims and len(split_sentences(text.strip())) == 1:
        return [judge(qa, " ".join(text.split()), None, tuple(exclude))]  # one short sentence is a claim
    framing = Framing(find_metadata(text))
    exclude = tuple(exclude) + _indexed_copies(qa, text)
    return [judge(qa, claim, framing, exclude) for claim in claims]


def _question(sentence: str) -> bool:
    """True for a question without a quotation in it: 'Is every council outstanding?' asserts nothing."""
    return sentence.rstrip().endswith("?") and not quotations(sentence)


def check_document(qa, doc: Document) -> list[Verdict]:
    """Verdicts for every claim of an indexed article, never citing the article itself."""
    return check_text(qa, doc.text, exclude=(doc.doc_id,))


def judge(qa, claim: str, framing: Framing | None = None, exclude: tuple[str, ...] = ()) -> Verdict:
    """Supported, contradicted or not found, with the evidence and a reason a person can check."""
    if _question(claim):
        return Verdict(claim, "not_found", "this is a question, not a claim: it asserts nothing to check",
                       attribution=framing.describe() if framing else "")
    quotes = [examine(qa, q, exclude) for q in quotations(claim)]
    quote_status = overall_status(quotes)
    if grades.grade_claim(claim):
        before = (framing.meta.visit_dates or (framing.meta.date,))[0] if framing and (
            framing.meta.visit_dates or framing.meta.date) else None
        found = grades.find_judgements(claim, [d for d in qa.index.documents() if d.doc_id not in exclude], before)
        if found:
            return _judge_grade(claim, found, quotes)
    query, hits = qa.search(claim, k=CLAIM_PASSAGES, filters=Filters(exclude_doc_ids=exclude), councils_only=True)
    ranked = _aligned(qa, query, hits)
    if not ranked:
        return Verdict(claim, "not_found", "nothing in the letters is close to this claim", quote_status, (),
                       tuple(quotes), attribution=framing.describe() if framing else "", confidence="low")
    quoted = _quoted_sentences(qa, query, quotes)
    if quoted:  # a verbatim quotation locates its source: judge by the sentence that holds it
        ranked = quoted + ranked
        best_sim, best_cov, best = quoted[0]
    else:
        best_sim, best_cov, best = _preferred(qa, ranked, framing)
    evidence = (best,) + tuple(e for _, _, e in ranked if (e.doc_id, e.start) != (best.doc_id, best.start))[:2]
    attribution, warning = _attribute(best, qa.index.document(best.doc_id).meta, framing)
    if warning:
        attribution = _framed_attribution(qa, framing)
    score = closeness(best_sim, best_cov)
    close = score >= CLOSE
    only_press = best.source_kind != "official"
    source = " (only another press article says this)" if only_press else ""

    def verdict(kind: str, reason: str, sure: bool) -> Verdict:
        return Verdict(claim, kind, reason, quote_status, evidence, tuple(quotes), attribution, warning,
                       "high" if sure else "low")

    if quote_status == "verbatim" and not close:
        return verdict("supported", f"the quoted words stand in {_where(best)}{source}", not warning)
    if not close:
        if score < SILENT:
            lacking = missing(list(query.groups), best.quote)
            reason = ("the letters never use: " + ", ".join(lacking)) if lacking else "no sentence in the letters says this"
            return verdict("not_found", reason, True)
        return verdict("not_found", f"the closest sentence only partly matches: “{best.quote}” — {_where(best)}{source}",
                       False)
    for check in checks.ALL_CHECKS:
        conflict = check(claim, best.quote)
        if conflict and warning and check in _VISIT_FACTS:
            # another visit's letter differing on dates, names or counts says nothing of this visit
            return verdict("not_found", f"no indexed letter of the visit the article reports says this; "
                                        f"{_where(best)}, another visit, differs: {conflict}", False)
        if conflict:
            return verdict("contradicted", f"{conflict} — {_where(best)}{source}", not only_press)
    altered = next((q for q in quotes if q["status"] == "altered"), None)
    if altered:
        return verdict("contradicted", f"the quotation is altered ({altered['summary']}) — {_where(best)}{source}",
                       not only_press)
    return verdict("supported", f"{_where(best)} says: “{best.quote}”{source}", not (warning or only_press))


def _judge_grade(claim: str, found: list, quotes: list[dict]) -> Verdict:
    """A grade claim against the grade-table rows of the reports it may mean (latest first)."""
    said = checks.grade(claim)
    matching = [(doc, row) for doc, row in found if checks.grade(row.grade) == said]
    latest_doc, latest = found[0]
    doc, row = matching[0] if matching else found[0]
    evidence = grades.evidence_for(doc, row)
    where = _where(evidence)
    reason = f"{where} grades {row.area}: {row.grade}"
    if not matching:
        return Verdict(claim, "contradicted", f"the claim says '{said}'; " + reason, overall_status(quotes),
                       (evidence,), tuple(quotes), attribution=where)
    sure = doc is latest_doc or bool(checks.dates(claim))
    if not sure:
        reason += f"; the latest report, {_where(grades.evidence_for(latest_doc, latest))}, grades it {latest.grade}"
    return Verdict(claim, "supported", reason, overall_status(quotes), (evidence,), tuple(quotes),
                   attribution=where, confidence="high" if sure else "low")


def _aligned(qa, query, hits) -> list[tuple[float, float, Evidence]]:
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
    embedder = precise_embedder(qa)
    sims = embedder.embed([s for *_, s in spans]) @ embedder.embed_query(query.text)
    groups, weights = list(query.groups), list(query.weights)
    ranked = []
    for (hit, a, b, sentence), sim in zip(spans, sims):
        ev = Evidence(hit.doc.doc_id, hit.doc.meta.title, hit.doc.meta.date, sentence, a, b,
                      hit.doc.meta.source_kind, float(sim))
        ranked.append((float(sim), covered(groups, weights, sentence), ev))
    ranked.sort(key=lambda r: -closeness(r[0], r[1]))
    return ranked


def precise_embedder(qa):
    """The fp32 model: verdicts turn on fine margins near CLOSE and SILENT, and both the claim and the
    sentences are embedded here and now, so they need not share the index's (int8) runtime."""
    from index.embedder import load_embedder

    return load_embedder(qa.index.settings.embedding_model, "torch")


def closeness(similarity: float, coverage: float) -> float:
    """How closely a letter sentence speaks to a claim: cosine and key-term coverage, weighed."""
    return 0.6 * similarity + 0.4 * coverage


def _quoted_sentences(qa, query, quotes: list[dict]) -> list[tuple[float, float, Evidence]]:
    """The letter sentences that hold the claim's verbatim quotations, aligned like any other."""
    rows = []
    for q in quotes:
        if q["status"] != "verbatim" or not q["sentence"]:
            continue
        doc = qa.index.document(q["doc"])
        start = doc.text.find(q["sentence"])
        embedder = precise_embedder(qa)
        sim = float(embedder.embed([q["sentence"]])[0] @ embedder.embed_query(query.text))
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
        and not _attribute(e, qa.index.document(e.doc_id).meta, framing)[1],
        lambda e: e.source_kind == "official",
    ):
        for row in near:
            if wanted(row[2]):
                return row
    return ranked[0]


def _attribute(evidence: Evidence, meta: Metadata, framing: Framing | None) -> tuple[str, str]:
    """Which letter the claim traces to (`meta` is the evidence document's), and a warning when the
    article frames another visit than that letter's."""
    where = _where(evidence)
    if framing is None or framing.meta.doc_type == "other":
        return where, ""
    m = framing.meta
    same_kind = meta.doc_type == m.doc_type and (not m.visit_number or meta.visit_number == m.visit_number)
    framed = {d[:7] for d in m.visit_dates} | ({m.date[:7]} if m.date else set())
    own = {d[:7] for d in meta.visit_dates} | ({meta.date[:7]} if meta.date else set())
    same_time = not framed or not own or any(_near_month(a, framed) or _near_month(b, own) for a in own for b in framed)
    if same_kind and same_time:
        return where, ""
    return where, f"the article frames this as the {framing.describe()}, but the sentence stands in {where}"


_VISIT_FACTS = (checks.check_numbers, checks.check_dates, checks.check_ordinals, checks.check_names)


def _framed_attribution(qa, framing: Framing) -> str:
    """The visit the article reports on, and whether an official letter of it is indexed."""
    m = framing.meta
    for doc in qa.index.documents():
        dm = doc.meta
        if (doc.meta.source_kind == "official" and dm.local_authority == m.local_authority
                and dm.doc_type == m.doc_type and dm.visit_number == m.visit_number
                and (not m.visit_dates or tuple(dm.visit_dates) == tuple(m.visit_dates))):
            return f"{framing.describe()}: {dm.title}"
    return f"{framing.describe()}, as the article reports it; no official letter of that visit is indexed"


def _near_month(month: str, others: set[str]) -> bool:
    """A letter follows its visit within about three months."""
    y, m = map(int, month.split("-"))
    for other in others:
        oy, om = map(int, other.split("-"))
        if 0 <= (y * 12 + m) - (oy * 12 + om) <= 3:
            return True
    return False


def _where(evidence: Evidence) -> str:
    return evidence.title or evidence.doc_id


def _indexed_copies(qa, text: str) -> tuple[str, ...]:
    """Indexed documents that are the text under check (an article pasted back in), not ones it quotes."""
    mine = shingles(text)
    return tuple(d.doc_id for d in qa.index.documents() if same_letter(mine, shingles(d.text)))
