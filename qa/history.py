"""A council's history and the national picture, from documents' metadata and grade tables.

Every official letter and report becomes an `Event`; graded reports give each council's latest grades
(`national_latest`) and the grades of each year (`grades_by_year`). The words of each letter that people
read first, its headline findings and its areas for improvement, come from `ingest.clean`'s paragraphs
and headings, verbatim with their offsets.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.clean import is_heading, paragraphs
from ingest.models import GRADED_TYPES, Document, Judgement, inspection_end
from qa.grades import AREA_LABELS, row_in

GRADED = GRADED_TYPES


@dataclass(frozen=True)
class Event:
    """One official letter or report in a council's history."""

    doc_id: str
    title: str
    council: str
    doc_type: str
    date: str | None
    date_basis: str | None
    visit_dates: tuple[str, ...]
    visit_number: int | None
    judgements: tuple[Judgement, ...]
    outcome: Judgement | None

    @property
    def ended(self) -> str:
        """The last day of the visit or inspection ('' if unknown): what years and order go by."""
        return inspection_end(self.visit_dates, self.date)

    def grade(self, area: str) -> Judgement | None:
        """The grade-table row for an area key of `AREA_LABELS` ('overall effectiveness', 'care leavers', ...)."""
        return row_in(self.judgements, area)


@dataclass(frozen=True)
class Passage:
    """Words of a letter as they stand: `text == document.text[start:end]`."""

    doc_id: str
    text: str
    start: int
    end: int


def event_of(doc: Document) -> Event:
    m = doc.meta
    return Event(doc.doc_id, m.title, m.local_authority or "", m.doc_type, m.date, m.date_basis, m.visit_dates,
                 m.visit_number, m.judgements, m.outcome)


def official(docs: list[Document]) -> list[Document]:
    """Official letters and reports of a known council, each once (copies of another left out)."""
    return [d for d in docs if d.meta.source_kind == "official" and d.duplicate_of is None and d.meta.local_authority]


def council_events(docs: list[Document], council: str) -> tuple[Event, ...]:
    """Every official letter and report about `council`, oldest first."""
    mine = [event_of(d) for d in official(docs) if d.meta.local_authority == council]
    return tuple(sorted(mine, key=lambda e: (e.ended, e.doc_id)))


def graded_events(docs: list[Document]) -> tuple[Event, ...]:
    """Every graded inspection report (ILACS and SIF), oldest first."""
    graded = [event_of(d) for d in official(docs) if d.meta.doc_type in GRADED and d.meta.judgements]
    return tuple(sorted(graded, key=lambda e: (e.ended, e.doc_id)))


def national_latest(docs: list[Document]) -> tuple[Event, ...]:
    """Each council's latest graded inspection report, by council name."""
    latest: dict[str, Event] = {}
    for event in graded_events(docs):
        latest[event.council] = event  # oldest first: the last one seen is the latest
    return tuple(latest[c] for c in sorted(latest))


def grades_by_year(docs: list[Document], area: str = "overall effectiveness") -> tuple[tuple[int, str, int], ...]:
    """(year the inspection ended, grade, number of reports) for one area, by year then grade."""
    counts: Counter[tuple[int, str]] = Counter()
    for event in graded_events(docs):
        row = event.grade(area)
        if row and event.ended:
            counts[(int(event.ended[:4]), row.grade)] += 1
    return tuple((year, grade, n) for (year, grade), n in sorted(counts.items()))


# ---------------------------------------------------------------- what a letter says first

_HEADLINE = re.compile(r"^(?:headline findings|overview|summary of key findings|summary)\b", re.I)
_TO_IMPROVE = re.compile(
    r"^(?:what needs to improve|areas? for (?:priority )?(?:improvement|action)|areas? for development|"
    r"what (?:the local authority|leaders) needs? to (?:improve|do)|recommendations)\b", re.I)
_SIGN_OFF = re.compile(r"^(?:Yours (?:sincerely|faithfully)|Ofsted will|Lead inspector|His Majesty|Her Majesty|"
                       r"We will|Inspectors will)\b", re.I)
_BULLET = re.compile(r"^[•●▪◦‣∙·\-–]\s*")
HEADLINE_PARAGRAPHS = 2
MAX_ITEM_WORDS = 80  # an area for improvement is a line or two; longer is a paragraph of findings


def headline(doc: Document) -> tuple[Passage, ...]:
    """The letter's headline findings: the first paragraphs under "Headline findings" or "Overview", or for
    a report without either, those after its grade table or outcome."""
    spans = paragraphs(doc.text)
    found: list[Passage] = []
    for n, (a, b) in enumerate(spans):
        if _HEADLINE.match(doc.text[a:b]) and is_heading(doc.text[a:b]):
            found = _prose(doc, spans[n + 1:], HEADLINE_PARAGRAPHS)
            break
    if not found:
        rows = list(doc.meta.judgements) + ([doc.meta.outcome] if doc.meta.outcome else [])
        ends = [doc.text.find(r.text) + len(r.text) for r in rows if r.text in doc.text]
        if ends:
            found = _prose(doc, [s for s in spans if s[0] >= max(ends)], HEADLINE_PARAGRAPHS)
    return tuple(found)


def improvements(doc: Document) -> tuple[Passage, ...]:
    """The letter's areas for improvement, item by item, under "What needs to improve" and its kin."""
    spans = paragraphs(doc.text)
    found: list[Passage] = []
    for n, (a, b) in enumerate(spans):
        if not (_TO_IMPROVE.match(doc.text[a:b]) and is_heading(doc.text[a:b])):
            continue
        bulleted = False
        for c, d in spans[n + 1:]:
            item = doc.text[c:d]
            bullet = _BULLET.match(item)
            if (is_heading(item) and not bullet) or _SIGN_OFF.match(item) or (bulleted and not bullet):
                break  # the list ends at the next heading, the letter's sign-off, or the first paragraph after bullets
            bulleted = bulleted or bool(bullet)
            start = c + (bullet.end() if bullet else 0)
            words = len(doc.text[start:d].split())
            if not bullet and found and words > MAX_ITEM_WORDS:
                break  # the findings that follow an unbulleted list
            if 0 < words <= MAX_ITEM_WORDS:
                found.append(Passage(doc.doc_id, doc.text[start:d], start, d))
    return tuple(dict.fromkeys(found))


def _prose(doc: Document, spans: list[tuple[int, int]], limit: int) -> list[Passage]:
    out: list[Passage] = []
    for a, b in spans:
        text = doc.text[a:b]
        if is_heading(text) or _BULLET.match(text):
            if out:
                break
            continue
        out.append(Passage(doc.doc_id, text, a, b))
        if len(out) == limit:
            break
    return out


__all__ = ["AREA_LABELS", "Event", "GRADED", "Passage", "council_events", "event_of", "grades_by_year",
           "graded_events", "headline", "improvements", "national_latest", "official"]
