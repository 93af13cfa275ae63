"""Claims about inspection grades, judged against the grade tables of the inspection reports."""

from __future__ import annotations

import re

from ingest.authorities import find_authorities
from ingest.models import Document, Judgement
from qa import checks
from qa.models import Evidence

_RATED = re.compile(r"\b(?:rated|rating|graded|grade|judged|judgement|found to be|deemed)\b", re.I)
# Words that name each judgement area, checked in order; the first area whose words a claim uses wins.
_AREAS: list[tuple[str, tuple[str, ...]]] = [
    ("care leavers", ("care leaver", "leaving care")),
    ("children in care", ("children in care", "looked after", "in care")),
    ("help and protection", ("help and protection", "child protection", "protection")),
    ("leaders", ("leader", "leadership", "management")),
    ("overall effectiveness", ("overall",)),
]
_OTHER_SERVICES = re.compile(r"\b(?:SEND|special educational needs|disabilit|school|nursery|college|youth justice)", re.I)


_ABOUT_A_VISIT = re.compile(r"\b(?:monitoring|focused) visits?\b", re.I)


def grade_claim(claim: str) -> bool:
    """True for a claim that states an inspection grade: 'Ofsted rated the council inadequate'
    (not one about a visit that mentions a past grade: 'the first monitoring visit since it was judged inadequate')."""
    return checks.grade(claim) is not None and _RATED.search(claim) is not None and not _ABOUT_A_VISIT.search(claim)


def find_judgements(claim: str, docs: list[Document], before: str | None = None) -> list[tuple[Document, Judgement]]:
    """The grade-table rows a grade claim may speak of, latest report first: reports of the council it
    names, of the years it gives (or, for an article, published before the visit it reports), and the
    judgement area its words name (else overall effectiveness)."""
    if _OTHER_SERVICES.search(claim):
        return []  # grades of other services are not in these tables
    councils = {name for name, _, _ in find_authorities(claim)}
    graded = [d for d in docs if d.meta.judgements and d.meta.source_kind == "official" and d.duplicate_of is None
              and (not councils or d.meta.local_authority in councils)]
    years = {d[:4] for d in checks.dates(claim)}
    if years:
        graded = [d for d in graded if years & _years_of(d)]
    elif before:
        graded = [d for d in graded if d.meta.when and d.meta.when <= before]
    area = area_named(claim)
    found = []
    for doc in sorted(graded, key=lambda d: d.meta.when, reverse=True):
        for judgement in doc.meta.judgements:
            if area in judgement.area.lower() or (area == "leaders" and "leadership" in judgement.area.lower()):
                found.append((doc, judgement))
                break
    return found


def find_judgement(claim: str, docs: list[Document], before: str | None = None) -> tuple[Document, Judgement] | None:
    """The row of the latest report `find_judgements` gives, if any."""
    found = find_judgements(claim, docs, before)
    return found[0] if found else None


def evidence_for(doc: Document, judgement: Judgement) -> Evidence:
    start = doc.text.find(judgement.text)
    return Evidence(doc.doc_id, doc.meta.title, doc.meta.date, judgement.text, start, start + len(judgement.text),
                    doc.meta.source_kind, 1.0)


def area_named(text: str) -> str:
    """The judgement area a text's words name, else overall effectiveness: 'how did care leavers fare' -> 'care leavers'."""
    lowered = text.lower()
    for area, words in _AREAS:
        if any(w in lowered for w in words):
            return area
    return "overall effectiveness"


def _years_of(doc: Document) -> set[str]:
    """Years a report may be referred to by: its visit's and, for an undated one, the next."""
    years = {d[:4] for d in doc.meta.visit_dates}
    if doc.meta.date:
        years.add(doc.meta.date[:4])
    elif years:
        years.add(str(int(max(years)) + 1))
    return years
