"""A claim's visit dates and durations set against the letter's own: "a three-week inspection" whose
dates span two weeks, "visited on 25 and 26 October" for a visit on the 18th and 19th; and the dates
that name a letter rather than state a fact."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingest.dates import MONTH_NAMES, format_span, say_date
from ingest.models import GRADED_TYPES, Document
from qa import checks, grades
from qa.attribution import Framing, months

_DURATION = re.compile(r"\b(?P<n>\d{1,2}|" + "|".join(checks.WORD_NUMBERS) + r")[- ](?P<unit>day|week)s?"
                       r"(?:[- ]long)?\b", re.I)


def duration_conflict(qa, claim: str, framing: Framing | None, within: tuple[str, ...],
                       prefer: str | None = None) -> str:
    """'a three-week inspection' where the letter's own visit dates span two weeks: the difference, else ''."""
    m = _DURATION.search(claim)
    if not m or not within:
        return ""
    n = int(m.group("n")) if m.group("n").isdigit() else checks.WORD_NUMBERS[m.group("n").lower()]
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


def names_another_visit(claim: str, doc: Document) -> bool:
    """True when the claim dates what it reports (a year or month) and none of those dates is the letter's."""
    named = {d for d in checks.dates(claim) if not d.startswith("*") and len(d) <= 7}
    if not named or doc.meta.source_kind != "official":
        return False
    years, months = _own_dates(doc)
    return not any(d in years or d in months for d in named)


def without_own_dates(claim: str, doc: Document) -> str:
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
        docs = [d for d in docs if abs(months(d.meta.visit_dates[0]) - months(framing.meta.visit_dates[0])) <= 3]
    named = _kinds_named(claim)
    if named:  # "the focused visit in June 2022" speaks of no inspection report's dates
        docs = [d for d in docs if d.meta.doc_type in named]
    preferred = [d for d in docs if d.doc_id == prefer]
    if preferred:
        return preferred
    if framing is not None and framing.meta.doc_type != "other":
        docs = [d for d in docs if d.meta.doc_type == framing.meta.doc_type] or docs
    elif _INSPECTION_WORD.search(claim) and not _VISIT_WORD.search(claim):
        docs = [d for d in docs if d.meta.doc_type in (*GRADED_TYPES, "jtai", "area_send")]
    elif _VISIT_WORD.search(claim) and not _INSPECTION_WORD.search(claim):
        docs = [d for d in docs if d.meta.doc_type in ("focused_visit", "monitoring_visit")]
    return docs

_OTHER_EVENT = re.compile(r"\b(?:judged|rated|graded|found|since|after|before|when|following)\b", re.I)

_PUBLISHED = re.compile(r"\b(?:publish\w*|released|out today|dated)\b", re.I)


def visit_date_conflict(qa, claim: str, framing: Framing | None, within: tuple[str, ...],
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
