"""Claim checking: find the claims in a text, align each with the letters, and give a verdict."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date, timedelta

from index.index import Filters
from ingest.authorities import find_authorities
from ingest.dates import MONTH_NAMES, format_span, say_date
from ingest.duplicates import same_letter, shingles
from ingest.metadata import find_metadata
from ingest.models import Document, Metadata
from ingest.sentences import split_sentences
from qa import calibrated, checks, grades
from qa.calibrated import LogisticModel
from ingest.quotes import open_quotation, quotations
from qa.forensics import examine, overall_status
from qa.models import Evidence, Verdict
from qa.terms import covered, missing
from qa.text import tokens

# Closeness of claim and sentence: 0.6 x cosine of their embeddings + 0.4 x share of the claim's key
# terms (weighted by rarity). Verdicts weigh it through the fitted models (qa/weights); these two
# lines remain for written-answer support and for wording a reason.
CLOSE = 0.56  # at or above, a written sentence is close enough to a letter sentence to be supported by it
SILENT = 0.40  # below, nothing in the letters speaks to the claim at all
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


_OTHER_SPEAKER = re.compile(
    r"\b(?:Cllr|Councillor|councillor|cabinet member|portfolio holder|leader of|council leader|chief executive|"
    r"director|DCS|MP|spokes(?:person|man|woman)|Mayor|mayor|chair|headteacher|parents?|campaigners?|minister)\b")
_SAYS = re.compile(r"\b(?:said|says|added|adds|commented|comments|told|explained|welcomed|acknowledged)\b", re.I)
_OFSTED = re.compile(r"\b(?:ofsted|inspectors?|inspectorate|the report|the letter|HMI|CQC)\b", re.I)
# What inspection findings are about: an article's sentence using none of these is its own framing.
_FINDING = re.compile(
    r"\b(?:child(?:ren)?|young (?:people|person)|famil(?:y|ies)|parents|carers?|social work(?:ers?)?|practi(?:ce|tioners?)|"
    r"services?|care|leaders?|leadership|managers?|management|staff|workforce|plans?|assessments?|partners(?:hip)?s?|"
    r"MASH|front door|caseloads?|safeguarding|protection|support(?:ed|s)?|SEND|EHC|early help|exploitation|placements?|"
    r"foster(?:ing)?|adoption|supervision|oversight|thresholds?|referrals?|strateg(?:y|ies|ic)|improv\w*|"
    r"outcomes?|needs?|risks?|harm|neglect|abuse|quality|performance|progress)\b", re.I)


def find_claims(text: str) -> list[str]:
    """Check-worthy sentences of an article: what it says the letters found, in its words or in quotation.

    A statement of six words or more counts when it attributes something to the inspectors, quotes,
    gives a figure, grade or date, or speaks of what inspections judge (children, practice, services,
    leaders ...): articles state findings without saying "Ofsted said". List items count. Skipped are
    questions, site furniture, the article's own framing, and what someone other than the inspectors
    says (a councillor's comment, and the rest of a quotation such a speaker opens). A sentence the
    text repeats is one claim.
    """
    claims = []
    lines = "\n\n".join(text.splitlines())  # an article's line breaks end its sentences and headings
    open_quote, speaker_other = False, False
    for a, b in split_sentences(lines):
        sentence = " ".join(lines[a:b].split())
        other = bool(_OTHER_SPEAKER.search(sentence) and _SAYS.search(sentence)) and not _OFSTED.search(sentence)
        continuing = open_quote and speaker_other
        if open_quotation(sentence):  # a quotation left open runs on into the next sentences
            if not open_quote:
                speaker_other = other
            open_quote = not open_quote
        if len(tokens(sentence)) < 6 or _BOILERPLATE.search(sentence) or _question(sentence):
            continue
        if other or continuing:
            continue
        if (_ATTRIBUTION.search(sentence) or quotations(sentence) or checks.numbers(sentence) or checks.grade(sentence)
                or checks.dates(sentence) or _FINDING.search(sentence)):
            claims.append(sentence)
    return list(dict.fromkeys(claims))  # a sentence repeated is checked once


def check_text(qa, text: str, single_claim: bool = False, exclude: tuple[str, ...] = ()) -> list[Verdict]:
    """Verdicts for the claim `text` (single_claim) or for each claim found in it.

    `exclude` names documents that are not evidence: the article under check, when it is indexed.
    """
    if single_claim or len(split_sentences(text.strip())) == 1:  # one sentence is a claim, framed by itself
        return [judge(qa, " ".join(text.split()), None, tuple(exclude))]
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
    def shipped(cls) -> "VerdictModels":
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
    if _question(claim):
        return ClaimAssessment(claim, Verdict(claim, "not_found", "this is a question, not a claim: it asserts nothing "
                                              "to check", attribution=framing.describe() if framing else ""))
    graded = _grade_verdict(qa, claim, framing, exclude)
    if graded is not None:
        return ClaimAssessment(claim, graded)
    within = _attributed_letters(qa, claim, framing, exclude)
    parts = compound_parts(claim)
    return ClaimAssessment(claim, None, assess(qa, claim, framing, exclude, within),
                           tuple(assess(qa, p, framing, exclude, within) for p in parts))


def verdict_of(ca: ClaimAssessment, models: VerdictModels) -> Verdict:
    """The whole claim's verdict, unless one of its parts is contradicted: a compound claim is as wrong as
    its wrongest part."""
    if ca.graded is not None:
        return ca.graded
    whole = decide(ca.whole, models)
    if whole.verdict != "contradicted":
        for part in ca.parts:
            v = decide(part, models)
            if v.verdict == "contradicted":
                return replace(v, claim=ca.claim, reason=f"{v.reason} (in the part “{part.claim}”)")
    return whole


_JOINS = re.compile(r",\s*but\s+|;\s+|\s+but\s+|,?\s+(?:although|while|whereas|though)\s+|,\s*and\s+(?=\w+\s+\w+)", re.I)


def compound_parts(claim: str) -> list[str]:
    """The parts of a compound claim, each a statement of five words or more ('X improved, but Y is weak');
    [] when it is one statement. Never split inside a quotation."""
    parts, start = [], 0
    for m in _JOINS.finditer(claim):
        if open_quotation(claim[:m.start()]):
            continue
        parts.append(claim[start:m.start()])
        start = m.end()
    parts.append(claim[start:])
    parts = [p.strip(" ,.;") for p in parts]
    if len(parts) < 2 or any(len(tokens(p)) < 5 for p in parts):
        return []
    return parts


def assess(qa, claim: str, framing: Framing | None = None, exclude: tuple[str, ...] = (),
           within: tuple[str, ...] | None = None) -> Assessment:
    """The evidence for a claim and everything that differs, with the signals for a verdict."""
    within = _attributed_letters(qa, claim, framing, exclude) if within is None else within
    quotes = tuple(examine(qa, q, exclude, within) for q in quotations(claim))
    quote_status = overall_status(list(quotes))
    # Search the letters the claim is about when it says which (council, year, the article's visit).
    scope = Filters(doc_ids=within, exclude_doc_ids=exclude) if within else Filters(exclude_doc_ids=exclude)
    query, hits = qa.search(claim, k=CLAIM_PASSAGES, filters=scope, councils_only=True)
    ranked = _aligned(qa, query, hits)
    quoted = _quoted_sentences(qa, query, list(quotes))
    if quoted:  # a verbatim quotation locates its source: judge by the sentence that holds it
        ranked = quoted + [r for r in ranked if (r[2].doc_id, r[2].start) not in
                           {(q[2].doc_id, q[2].start) for q in quoted}]
    features = {f"quote_{s}": float(quote_status == s) for s in ("verbatim", "altered", "absent")}
    features["quote_meaning"] = float(any(q["status"] == "altered" and _meaning_changed(q) for q in quotes))
    features["claim_words"] = math.log(1 + len(tokens(claim)))
    features["attributed"] = float(bool(_ATTRIBUTION.search(claim)))
    duration = (_duration_conflict(qa, claim, framing, within, ranked[0][2].doc_id if ranked else None)
                or _visit_date_conflict(qa, claim, framing, within, ranked[0][2].doc_id if ranked else None))
    features["dated"] = float(bool(duration))
    if not ranked:
        return Assessment(claim, (), (duration,) if duration else (), quotes, quote_status,
                          framing.describe() if framing else "", "", features, "nothing in the letters is close to this claim")
    best_sim, best_cov, best = quoted[0] if quoted else _preferred(qa, ranked, framing)
    evidence = (best,) + tuple(e for _, _, e in ranked if (e.doc_id, e.start) != (best.doc_id, best.start))[:2]
    best_doc = qa.index.document(best.doc_id)
    attribution, warning = _attribute(best, best_doc.meta, framing)
    if warning:
        attribution = _framed_attribution(qa, framing)
    other_visit = bool(warning) or _names_another_visit(claim, best_doc)
    unnamed = framing is None and not find_authorities(claim)  # a grade of no named council is of no report
    compared = _without_own_dates(claim, best_doc)  # "the 2021 inspection found ..." names the letter, not a fact
    conflicts, elsewhere = [], []
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
    where = _where(best)
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
        return verdict("not_found", f"the closest sentence only partly matches: “{best.quote}” — {where}{source}", False)
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


_DURATION = re.compile(r"\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ](?P<unit>day|week)s?"
                       r"(?:[- ]long)?\b", re.I)
_NUMBER_WORDS = {w: n for n, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split(), 1)}


def _duration_conflict(qa, claim: str, framing: Framing | None, within: tuple[str, ...],
                       prefer: str | None = None) -> str:
    """'a three-week inspection' where the letter's own visit dates span two weeks: the difference, else ''."""
    m = _DURATION.search(claim)
    if not m or not within:
        return ""
    n = int(m.group("n")) if m.group("n").isdigit() else _NUMBER_WORDS[m.group("n").lower()]
    unit = m.group("unit").lower()
    docs = _visited(qa, claim, framing, within, prefer)
    if len({d.meta.visit_dates for d in docs}) != 1:
        return ""  # which visit the claim means is not certain
    doc = docs[0]
    first, last = date.fromisoformat(doc.meta.visit_dates[0]), date.fromisoformat(doc.meta.visit_dates[-1])
    days = (last - first).days + 1
    working = sum(1 for k in range(days) if (first + timedelta(k)).weekday() < 5)
    fits = n in (days, working) if unit == "day" else (n - 1) * 7 < days <= n * 7
    if fits:
        return ""
    return (f"the claim says {m.group(0)}; {doc.meta.title} gives the dates {format_span(doc.meta.visit_dates)} "
            f"({days} day{'s' if days != 1 else ''})")


def _own_dates(doc: Document) -> tuple[set[str], set[str]]:
    """The years and months a letter may be named by: its publication's and its visit's."""
    days = list(doc.meta.visit_dates) + ([doc.meta.date] if doc.meta.date else [])
    return grades.years_of(doc) | {d[:4] for d in days}, {d[:7] for d in days}


def _names_another_visit(claim: str, doc: Document) -> bool:
    """True when the claim dates what it reports (a year or month) and none of those dates is the letter's."""
    named = {d for d in checks.dates(claim) if not d.startswith("*") and len(d) <= 7}
    if not named or doc.meta.source_kind != "official":
        return False
    years, months = _own_dates(doc)
    return not any(d in years or d in months for d in named)


def _without_own_dates(claim: str, doc: Document) -> str:
    """`claim` less the years and months that name the letter itself ("Ofsted's 2021 inspection found ...")."""
    years, months = _own_dates(doc)
    out = claim
    for month in months:
        name = MONTH_NAMES[int(month[5:7]) - 1]
        out = re.sub(rf"(?<!\d )\b{name},?\s+{month[:4]}\b", " ", out)
    month_before = re.compile(r"(?:" + "|".join(MONTH_NAMES) + r"),?\s+$")
    for year in years:
        out = re.sub(rf"\b{year}\b", lambda m: m.group() if month_before.search(m.string[:m.start()]) else " ", out)
    return out


_VISITED = re.compile(r"\b(?:visit(?:ed|s)?|inspect(?:ed|ion|ors were)|took place|carried out|were in|was held|"
                      r"spent)\b", re.I)


_KINDS = (  # words naming a kind of visit, and the kinds of letter they may mean
    (re.compile(r"\bfocused (?:assurance )?visits?\b|\bassurance visits?\b", re.I), ("focused_visit",)),
    (re.compile(r"\bmonitoring visits?\b", re.I), ("monitoring_visit",)),
    (re.compile(r"\bjoint targeted area inspections?\b|\bJTAI\b", re.I), ("jtai",)),
    (re.compile(r"\bSEND inspections?\b|\barea SEND\b", re.I), ("area_send",)),
)


def _kinds_named(claim: str) -> set[str]:
    """The kinds of letter a claim's words name precisely ('focused visit', 'JTAI'); none for 'inspection'."""
    return {kind for pattern, kinds in _KINDS if pattern.search(claim) for kind in kinds}


_INSPECTION_WORD = re.compile(r"\binspect(?:ion|ed)\b|\bJTAI\b|\bSEND\b", re.I)
_VISIT_WORD = re.compile(r"\bvisit(?:ed|s)?\b", re.I)


def _visited(qa, claim: str, framing: Framing | None, within: tuple[str, ...],
             prefer: str | None = None) -> list[Document]:
    """The official letters among `within` whose visit a claim about a visit's dates or length may mean:
    never another visit than the article's (its number, its months); of those, the one the claim's
    closest sentence stands in (`prefer`), else those of the article's kind of visit, else of the kind
    the claim's words name (an inspection, a visit)."""
    docs = [d for d in (qa.index.document(i) for i in within)
            if d is not None and d.meta.visit_dates and d.meta.source_kind == "official" and d.duplicate_of is None]
    if framing is not None and framing.meta.visit_number:
        docs = [d for d in docs if d.meta.visit_number == framing.meta.visit_number]
    if framing is not None and framing.meta.visit_dates:
        docs = [d for d in docs if abs(_months(d.meta.visit_dates[0]) - _months(framing.meta.visit_dates[0])) <= 3]
    named = _kinds_named(claim)
    if named:  # "the focused visit in June 2022" speaks of no inspection report's dates
        docs = [d for d in docs if d.meta.doc_type in named]
    preferred = [d for d in docs if d.doc_id == prefer]
    if preferred:
        return preferred
    if framing is not None and framing.meta.doc_type != "other":
        docs = [d for d in docs if d.meta.doc_type == framing.meta.doc_type] or docs
    elif _INSPECTION_WORD.search(claim) and not _VISIT_WORD.search(claim):
        docs = [d for d in docs if d.meta.doc_type in ("ilacs_inspection", "sif_inspection", "jtai", "area_send")]
    elif _VISIT_WORD.search(claim) and not _INSPECTION_WORD.search(claim):
        docs = [d for d in docs if d.meta.doc_type in ("focused_visit", "monitoring_visit")]
    return docs


_OTHER_EVENT = re.compile(r"\b(?:judged|rated|graded|found|since|after|before|when|following)\b", re.I)
_PUBLISHED = re.compile(r"\b(?:publish\w*|released|out today|dated)\b", re.I)


def _visit_date_conflict(qa, claim: str, framing: Framing | None, within: tuple[str, ...],
                         prefer: str | None = None) -> str:
    """'visited on 25 and 26 October 2021' where the letter's own visit dates differ: the difference, else ''."""
    if _PUBLISHED.search(claim) or not within:
        return ""
    # only dates that follow a word of visiting closely: "visited on 4 and 5 October", "took place from ..."
    said = sorted({d for m in _VISITED.finditer(claim)
                   for d in checks.dates(_OTHER_EVENT.split(claim[m.end():m.end() + 80])[0]) if len(d) >= 7})
    docs = _visited(qa, claim, framing, within, prefer)
    if not said or len({d.meta.visit_dates for d in docs}) != 1:
        return ""
    doc = docs[0]
    first, last = doc.meta.visit_dates[0], doc.meta.visit_dates[-1]
    published = (doc.meta.date or "")[4:]
    said = [first[:4] + d[1:] if d.startswith("*") else d for d in said if d[4:] != published or not published]
    months = {first[:7], last[:7]}
    for d in said:
        inside = first <= d <= last if len(d) == 10 else d in months
        if not inside and not (len(d) == 10 and d == doc.meta.date):
            return (f"the claim says {say_date(d)}; {doc.meta.title} gives the visit dates "
                    f"{format_span(doc.meta.visit_dates)}")
    return ""


def _meaning_changed(quote: dict) -> bool:
    """True when an altered quotation differs from the letter in a figure, quantifier, direction or negation."""
    sentence = quote.get("sentence") or ""
    return any(check(quote["quote"], sentence) for check in
               (checks.check_numbers, checks.check_quantifier, checks.check_polarity, checks.check_negation,
                checks.check_grade))


def _attributed_letters(qa, claim: str, framing: Framing | None, exclude: tuple[str, ...]) -> tuple[str, ...]:
    """The letters a claim is about: the article's framed visit when one is indexed, else the council's letters."""
    docs = [d for d in qa.index.documents() if d.doc_id not in exclude and d.duplicate_of is None]
    if framing is not None and framing.meta.local_authority:
        m = framing.meta
        framed = [d for d in docs if d.meta.source_kind == "official" and d.meta.local_authority == m.local_authority
                  and d.meta.doc_type == m.doc_type and (not m.visit_number or d.meta.visit_number == m.visit_number)
                  and (not m.visit_dates or not d.meta.visit_dates or abs(_months(d.meta.visit_dates[0])
                                                                           - _months(m.visit_dates[0])) <= 3)]
        if framed:
            return tuple(d.doc_id for d in framed)
    councils = {name for name, _, _ in find_authorities(claim)}
    if framing is not None and framing.meta.local_authority:
        # an article's dates are of events it recounts; the visit it reports is not indexed: any of the council's
        return tuple(d.doc_id for d in docs if d.meta.local_authority in councils | {framing.meta.local_authority})
    years = {d[:4] for d in checks.dates(claim) if not d.startswith("*")}
    chosen = [d for d in docs if d.meta.local_authority in councils]
    dated = [d for d in chosen if years & grades.years_of(d)]
    return tuple(d.doc_id for d in (dated or chosen))


def _months(iso: str) -> int:
    return int(iso[:4]) * 12 + int(iso[5:7])


def _grade_verdict(qa, claim: str, framing: Framing | None, exclude: tuple[str, ...]) -> Verdict | None:
    """A grade claim judged against the grade tables of the reports it may mean, if it is one."""
    if not grades.grade_claim(claim):
        return None
    parts = grades.graded_parts(claim)
    before = (framing.meta.visit_dates or (framing.meta.date,))[0] if framing and (
        framing.meta.visit_dates or framing.meta.date) else None
    councils = {name for name, _, _ in find_authorities(claim)} | (
        {framing.meta.local_authority} if framing and framing.meta.local_authority else set())
    if not parts or not councils:
        return None  # a grade of no named council is no claim about any report in particular
    docs = [d for d in qa.index.documents() if d.doc_id not in exclude and d.meta.local_authority in councils]
    reports = grades.reports_for(claim, docs, before)
    if not reports:
        return None
    quotes = [examine(qa, q, exclude, _attributed_letters(qa, claim, framing, exclude)) for q in quotations(claim)]
    tied = bool(before) or any(d for d in checks.dates(claim) if not d.startswith("*"))
    graded = _judge_grade(claim, reports, parts, quotes, tied)
    if graded is not None and graded.verdict == "supported":
        within = tuple(e.doc_id for e in graded.evidence[:1])
        dated = (_duration_conflict(qa, claim, framing, within, within[0])
                 or _visit_date_conflict(qa, claim, framing, within, within[0]))
        if dated:
            return replace(graded, verdict="contradicted", reason=f"{dated}; the grade is right: {graded.reason}",
                           confidence="high")
    return graded


def _judge_grade(claim: str, reports: list[Document], parts: list, quotes: list[dict],
                 tied: bool = True) -> Verdict | None:
    """Every grade a claim states against the grade table of the report it means (latest first when it
    names no year): all agree, supported; one differs, contradicted, naming the row, but only when the
    claim's years or its article tie it to that report; otherwise None (it may mean another inspection)."""
    def speaks_of(part, doc: Document) -> bool:
        return not part.years or bool(set(part.years) & grades.years_of(doc))

    def mismatches(doc: Document) -> list:
        wrong = []
        for part in parts:
            if not speaks_of(part, doc):
                continue
            rows = list(doc.meta.judgements) if part.every else [grades.row_for(doc, part.area)]
            wrong += [row for row in rows if row is not None and row.grade.lower() != part.grade]
        return wrong

    def rows(doc: Document) -> list:
        found = [r for p in parts if speaks_of(p, doc)
                 for r in (doc.meta.judgements if p.every else [grades.row_for(doc, p.area)]) if r]
        return list(dict.fromkeys(found))

    latest = reports[0]
    agreeing = [d for d in reports if rows(d) and not mismatches(d)]
    status = overall_status(quotes)
    if agreeing:
        doc = agreeing[0]
        evidence = tuple(grades.evidence_for(doc, r) for r in rows(doc))
        where = _where(evidence[0])
        reason = "; ".join(f"{r.area}: {r.grade}" for r in rows(doc))
        sure = doc is latest or bool(checks.dates(claim))
        if not sure:
            reason += f"; the latest report, {_where(grades.evidence_for(latest, latest.meta.judgements[0]))}, grades " \
                      f"it {grades.row_for(latest, parts[0].area).grade if grades.row_for(latest, parts[0].area) else '—'}"
        return Verdict(claim, "supported", f"{where} grades {reason}", status, evidence, tuple(quotes),
                       attribution=where, confidence="high" if sure else "low")
    wrong = mismatches(latest)
    if not wrong or not tied:
        return None  # the grade tables settle nothing: the claim is judged like any other
    row = wrong[0]
    evidence = grades.evidence_for(latest, row)
    where = _where(evidence)
    said = next((p.grade for p in parts if p.every or grades.row_for(latest, p.area) == row), parts[0].grade)
    return Verdict(claim, "contradicted", f"the claim says '{said}'; {where} grades {row.area}: {row.grade}", status,
                   (evidence,), tuple(quotes), attribution=where)


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
    sims = _sentence_vectors(qa, spans) @ qa.index.embedder.embed_query(query.text)
    groups, weights = list(query.groups), list(query.weights)
    ranked = []
    for (hit, a, b, sentence), sim in zip(spans, sims):
        ev = Evidence(hit.doc.doc_id, hit.doc.meta.title, hit.doc.meta.date, sentence, a, b,
                      hit.doc.meta.source_kind, float(sim))
        ranked.append((float(sim), covered(groups, weights, sentence), ev))
    ranked.sort(key=lambda r: -closeness(r[0], r[1]))
    return ranked


def _sentence_vectors(qa, spans: list[tuple]):
    """A vector per (hit, start, end, sentence): the one stored at ingest, else embedded now (the index's model:
    the verdict models were fitted on these)."""
    import numpy as np

    stored = qa.index.sentence_vectors(sorted({h.chunk.chunk_id for h, *_ in spans}))
    rows = [stored.get(h.chunk.chunk_id, {}).get((a - h.chunk.start, b - h.chunk.start)) for h, a, b, _ in spans]
    todo = [n for n, r in enumerate(rows) if r is None]
    if todo:
        for n, vector in zip(todo, qa.index.embedder.embed([spans[n][3] for n in todo])):
            rows[n] = vector
    return np.stack(rows)


def precise_embedder(qa):
    """The fp32 model, for verifying written answers: both sides are embedded there and then."""
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
        embedder = qa.index.embedder
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
    return tuple(d.doc_id for d in qa.index.documents() if same_letter(mine, _shingles(d.text)))


@lru_cache(maxsize=4096)
def _shingles(text: str) -> frozenset:
    """A document's shingles, kept: every article checked is compared with every indexed document."""
    return frozenset(shingles(text))
