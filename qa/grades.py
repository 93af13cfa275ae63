"""Claims about inspection grades, judged against the grade tables of the inspection reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.authorities import find_authorities
from ingest.judgements import grade_mentions
from ingest.models import Document, Judgement
from qa import checks
from qa.models import Evidence

_RATED = re.compile(r"\b(?:rated|rating|graded|grade|judged|judgement|found to be|deemed)\b", re.I)
# Words that name each judgement area, checked in order; the first area whose words a claim uses wins.
_AREAS: list[tuple[str, tuple[str, ...]]] = [
    ("care leavers", ("care leaver", "leaving care")),
    ("adoption", ("adoption", "adopt")),  # graded apart in SIF reports
    ("children in care", ("children in care", "looked after", "looked-after", "in care")),
    ("help and protection", ("help and protection", "child protection", "protection")),
    ("leaders", ("leader", "leadership", "management")),
    ("overall effectiveness", ("overall",)),
]
# The areas as people name them in a table's columns, by key, in the order reports grade them.
AREA_LABELS = {
    "overall effectiveness": "Overall effectiveness",
    "leaders": "Leaders",
    "help and protection": "Help and protection",
    "children in care": "Children in care",
    "care leavers": "Care leavers",
}
_OTHER_SERVICES = re.compile(r"\b(?:SEND|special educational needs|disabilit|school|nursery|college|youth justice)",
                             re.I)


_ABOUT_A_VISIT = re.compile(r"\b(?:monitoring|focused) visits?\b", re.I)


def grade_claim(claim: str) -> bool:
    """True for a claim that states an inspection grade: 'Ofsted rated the council inadequate'
    (not one about a visit that mentions a past grade: 'the first monitoring visit since it was judged inadequate')."""
    return checks.grade(claim) is not None and _RATED.search(claim) is not None and not _ABOUT_A_VISIT.search(claim)


_CLAUSE = re.compile(r",\s*(?:but|although|though|while|whereas|with|and)\b|;"
                     r"|\b(?:but|although|even though|though|whereas|while)\b", re.I)
_EARLIER = re.compile(r"\b(?:from\b(?![^,;]*\bto\b)|had been|previously|formerly|shaken off|shook off|no longer|"
                      r"up from|down from|last time|in the past|once|used to be|rather than|instead of|since|"
                      r"when it was|after being|improvement on|verdict of|judgement of)\b[^,;]{0,40}$", re.I)
_JOINER = re.compile(r"\b(?:with|and|while|but|whereas)\b", re.I)
_NOT_YET = re.compile(r"\b(?:not|never|no longer)(?: yet| quite| been| as)?\s+(?:\w+\s+)?$", re.I)
_EVERY = re.compile(r"\b(?:every|all|each) (?:area|judgement|aspect|part)s?\b|\bacross the board\b|\bin all areas\b",
                    re.I)
_ONLY = re.compile(r"\bonly\b|\bexcept\b|\ball but\b|\bsome (?:aspects|areas|parts)\b|\baspects\b", re.I)


@dataclass(frozen=True)
class GradePart:
    """One grade a claim states: for an area (or every area), as the claim words it."""

    area: str
    grade: str  # lower case: "requires improvement to be good"
    every: bool = False
    years: tuple[str, ...] = ()  # years its clause names: the part speaks of the report of those years


def graded_parts(claim: str) -> list[GradePart]:
    """The (area, grade) pairs a claim states of the report it means, clause by clause; grades it gives as
    past ("up from inadequate", "had been rated") and clauses about "the only area" are left out.

    graded_parts("rated good overall, but care leavers still require improvement")
      -> [GradePart("overall effectiveness", "good"), GradePart("care leavers", "requires improvement to be good")]
    """
    parts = []
    for clause in _CLAUSE.split(claim):
        if not clause or _ONLY.search(clause):
            continue
        mentions = [(at, grade.lower()) for at, grade in grade_mentions(clause)]
        for n, (start, grade) in enumerate(mentions):
            if _EARLIER.search(clause[:start]) or _NOT_YET.search(clause[:start]):
                continue
            # the words that belong to this grade: up to the grades either side, within the commas around it
            before = clause[mentions[n - 1][0] + 1 if n else 0:start]
            after = clause[start:mentions[n + 1][0] if n + 1 < len(mentions) else len(clause)]
            if n:
                before = _JOINER.split(before.rsplit(",", 1)[-1])[-1]
            if n + 1 < len(mentions):
                after = _JOINER.split(after.split(",", 1)[0])[0]
            segment = before + after
            every = bool(_EVERY.search(segment))
            years = tuple(sorted({d[:4] for d in checks.dates(segment) if not d.startswith("*")}))
            area = "every area" if every else area_named(segment if len(mentions) > 1 else clause)
            parts.append(GradePart(area, grade, every, years))
    return list(dict.fromkeys(parts))


def reports_for(claim: str, docs: list[Document], before: str | None = None) -> list[Document]:
    """The graded reports a grade claim may speak of, latest first: of the council it names, of the years it
    gives (or, for an article, published before the visit it reports)."""
    if _OTHER_SERVICES.search(claim):
        return []  # grades of other services are not in these tables
    councils = {name for name, _, _ in find_authorities(claim)}
    graded = [d for d in docs if d.meta.judgements and d.meta.source_kind == "official" and d.duplicate_of is None
              and (not councils or d.meta.local_authority in councils)]
    years = {d[:4] for d in checks.dates(claim) if not d.startswith("*")}
    if years:
        graded = [d for d in graded if years & years_of(d)]
    elif before:
        graded = [d for d in graded if d.meta.when and d.meta.when <= before]
    return sorted(graded, key=lambda d: d.meta.when, reverse=True)


def row_for(doc: Document, area: str) -> Judgement | None:
    """The grade-table row of `doc` for an area named as `area_named` names it."""
    return row_in(doc.meta.judgements, area)


def row_in(judgements, area: str) -> Judgement | None:
    """The row of a grade table for an area key ('care leavers'); a row grading children in care and care
    leavers together answers for both."""
    for judgement in judgements:
        name = judgement.area.lower()
        if area in name or (area == "leaders" and "leadership" in name) or (
                area == "children in care" and "looked after" in name):
            return judgement
    return None


def evidence_for(doc: Document, judgement: Judgement) -> Evidence:
    start = doc.text.find(judgement.text)
    return Evidence(doc.doc_id, doc.meta.title, doc.meta.date, judgement.text, start, start + len(judgement.text),
                    doc.meta.source_kind, 1.0)


def area_named(text: str) -> str:
    """The judgement area a text's words name, else overall effectiveness.

    'how did care leavers fare' -> 'care leavers'
    """
    lowered = text.lower()
    for area, words in _AREAS:
        if any(w in lowered for w in words):
            return area
    return "overall effectiveness"


def years_of(doc: Document) -> set[str]:
    """Years a report may be referred to by: its visit's and, for one that states no date, the next."""
    years = {d[:4] for d in doc.meta.visit_dates}
    if doc.meta.date and doc.meta.date_basis == "stated":
        years.add(doc.meta.date[:4])
    elif years:
        years.add(str(int(max(years)) + 1))
    return years
