"""Answer a question about many documents from their metadata and grade tables: every match, each cited.

A `Selection` (qa.aggregate_question) is run over the index's official documents, not over retrieved
passages, so nothing that matches is left out. Each matching document is cited by the lines that make it
match: its grade-table rows, its area SEND outcome sentence, or for a letter without grades the sentence
that says what was visited and when. The answer states the count and the rule in plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.filters import Filters
from ingest.dates import format_span
from ingest.models import Document, Judgement
from ingest.sentences import split_sentences
from qa.aggregate_question import ANY_AREA, GRADED, Selection
from qa.grades import AREA_LABELS, row_in
from qa.history import official
from qa.models import Aggregate, AggregateRow, Answer, Citation, Hit

_KIND_NAMES = {
    "focused_visit": ("focused visit", "focused visits"),
    "monitoring_visit": ("monitoring visit", "monitoring visits"),
    "ilacs_inspection": ("ILACS inspection", "ILACS inspections"),
    "sif_inspection": ("SIF inspection", "SIF inspections"),
    "jtai": ("joint targeted area inspection", "joint targeted area inspections"),
    "area_send": ("area SEND inspection", "area SEND inspections"),
    "other": ("other document", "other documents"),
}
_VISITS = {"focused_visit", "monitoring_visit"}
_OPENING = re.compile(r"\b(?:visit|inspection)\b", re.I)
_OPENING_REACH = 3000


@dataclass(frozen=True)
class Match:
    """A document that meets a selection, with the lines that show it does (or its opening sentence)."""

    doc: Document
    rows: tuple[Judgement, ...]  # grade-table rows or the area SEND outcome; () for a letter without grades



def select(docs: list[Document], selection: Selection, filters: Filters | None = None) -> list[Match]:
    """Every official document meeting `selection` (and `filters`), oldest first, with the rows it matches by."""
    pool = [d for d in official(docs) if _within(d, filters or Filters())]
    if selection.councils:
        pool = [d for d in pool if d.meta.local_authority in selection.councils]
    if selection.doc_types:
        pool = [d for d in pool if d.meta.doc_type in selection.doc_types]
    if selection.latest:
        latest: dict[str | None, Document] = {}  # letters naming no council share the key None
        for d in sorted(pool, key=lambda d: (d.meta.ended, d.doc_id)):
            latest[d.meta.local_authority] = d
        pool = list(latest.values())
    pool = [d for d in pool if _in_years(d.meta.ended, selection)]
    matches = [m for m in (_match(d, selection) for d in pool) if m is not None]
    return sorted(matches, key=lambda m: (m.doc.meta.ended, m.doc.doc_id))


def count_of(matches: list[Match], unit: str) -> int:
    """What the question counts: documents, councils, or judgement areas (overall effectiveness aside)."""
    if unit == "councils":
        return len({m.doc.meta.local_authority for m in matches})
    if unit == "areas":
        return sum(1 for m in matches for r in m.rows if r.area != "Overall effectiveness")
    return len(matches)


def describe(selection: Selection) -> str:
    """The rule in plain words: 'full inspections (ILACS and SIF) whose inspection ended in 2021, graded Good
    for overall effectiveness'."""
    what = _kinds_phrase(selection.doc_types)
    councils = _and(selection.councils)
    if selection.latest and len(selection.councils) == 1:
        what = f"the latest {_singular(what)} of {councils}"
    elif selection.latest and selection.councils:
        what = f"the latest {_singular(what)} of each of {councils}"
    elif selection.latest:
        what = f"each council's latest {_singular(what)}"
    elif selection.councils:
        what += f" of {councils}"
    parts = [what]
    done = "visit" if selection.doc_types and set(selection.doc_types) <= _VISITS else "inspection"
    if selection.years:
        parts.append(f"whose {done} ended in " + _and([str(y) for y in selection.years], "or"))
    elif selection.first_year is not None and selection.last_year is not None:
        parts.append(f"whose {done} ended between {selection.first_year} and {selection.last_year}")
    elif selection.first_year is not None:
        parts.append(f"whose {done} ended in {selection.first_year} or later")
    elif selection.last_year is not None:
        parts.append(f"whose {done} ended in {selection.last_year} or earlier")
    if selection.grades:
        grades = _and(selection.grades, "or")
        if selection.area == ANY_AREA:
            parts.append(f"with any judgement graded {grades}")
        else:
            parts.append(f"graded {grades} for {selection.area}")
    if selection.outcomes:
        parts.append("whose outcome is " + _and([o.lower() for o in selection.outcomes], "or"))
    rule = ", ".join(parts)
    if selection.unit == "councils":
        rule += "; counted by council"
    elif selection.unit == "areas":
        rule += "; counted by judgement area"
    return rule


def answer_aggregate(index, selection: Selection, question: str, hits: list[Hit] | tuple[Hit, ...] = (),
                     filters: Filters | None = None) -> Answer:
    """The answer to a question about many documents: every match cited, the count and the rule stated."""
    rule = describe(selection)
    if filters is not None and not filters.is_empty():
        dated = filters.years or filters.date_from or filters.date_to
        rule += f"; within the filters set ({filters.describe()}" + (
            ", dated by when the inspection or visit ended)" if dated else ")")
    if selection.unknown_councils and not selection.councils:
        names = _and(selection.unknown_councils)
        return Answer(question=question, text=f"No letters or reports about {names} are indexed.", abstained=True,
                      hits=tuple(hits), scope=rule, reason=f"no indexed documents about {names}")
    matches = select(index.documents(), selection, filters)
    citations: list[Citation] = []
    rows: list[AggregateRow] = []
    for m in matches:
        numbers = []
        for quote in _quotes(m):
            cited = _citation(index, m.doc, quote, len(citations) + 1)
            if cited is not None:
                citations.append(cited)
                numbers.append(cited.n)
        meta = m.doc.meta
        rows.append(AggregateRow(m.doc.doc_id, meta.local_authority or "", meta.doc_type, meta.title, meta.date,
                                 meta.date_basis, meta.visit_dates, m.rows, tuple(numbers)))
    count = count_of(matches, selection.unit)
    aggregate = Aggregate(selection.kind, rule, count, selection.unit, tuple(rows))
    scope = rule
    if selection.unknown_councils:
        scope += f"; no letters about {_and(selection.unknown_councils)} are indexed"
    # No match is an answer to "how many"; to "which" or "how has X done" it says the letters are silent.
    silent = not matches and selection.kind != "count"
    return Answer(question=question, text=_text(aggregate, citations, selection.area), abstained=silent,
                  citations=tuple(citations), hits=tuple(hits), scope=scope, answerer="aggregate", aggregate=aggregate,
                  reason=f"no indexed document matches: {rule}" if silent else "")


# ---------------------------------------------------------------- matching

def _within(doc: Document, filters: Filters) -> bool:
    m = doc.meta
    when = doc.meta.ended
    return ((not filters.local_authorities or m.local_authority in filters.local_authorities)
            and (not filters.doc_types or m.doc_type in filters.doc_types)
            and (not filters.doc_ids or doc.doc_id in filters.doc_ids)
            and doc.doc_id not in filters.exclude_doc_ids
            and (not filters.source_kinds or m.source_kind in filters.source_kinds)
            and (filters.visit_number is None or m.visit_number == filters.visit_number)
            and (not filters.years or (when[:4].isdigit() and int(when[:4]) in filters.years))
            and (not filters.date_from or when >= filters.date_from)
            and (not filters.date_to or when <= filters.date_to))


def _in_years(when: str, selection: Selection) -> bool:
    if not (selection.years or selection.first_year is not None or selection.last_year is not None):
        return True
    if not when[:4].isdigit():
        return False
    year = int(when[:4])
    if selection.years and year not in selection.years:
        return False
    return ((selection.first_year is None or year >= selection.first_year)
            and (selection.last_year is None or year <= selection.last_year))


def _match(doc: Document, selection: Selection) -> Match | None:
    meta = doc.meta
    if selection.outcomes:
        if meta.outcome is None or meta.outcome.grade not in selection.outcomes:
            return None
        return Match(doc, (meta.outcome,))
    if selection.unit == "areas" and not selection.grades:
        rows = tuple(j for j in meta.judgements if j.area != "Overall effectiveness")  # "which areas were graded"
        return Match(doc, rows) if rows else None
    if selection.grades:
        if selection.area == ANY_AREA:
            rows = tuple(j for j in meta.judgements if j.grade in selection.grades)
            if selection.unit == "areas":
                rows = tuple(j for j in rows if j.area != "Overall effectiveness")
        else:
            row = row_in(meta.judgements, selection.area or "overall effectiveness")
            rows = (row,) if row is not None and row.grade in selection.grades else ()
        return Match(doc, rows) if rows else None
    if meta.outcome is not None:
        return Match(doc, (meta.outcome,))
    if meta.judgements:
        if selection.kind == "compare" and selection.area is None:
            return Match(doc, meta.judgements)
        row = row_in(meta.judgements, selection.area or "overall effectiveness")
        return Match(doc, (row,) if row else meta.judgements)
    return Match(doc, ())


def _quotes(match: Match) -> list[str]:
    if match.rows:
        return [r.text for r in match.rows]
    opening = opening_sentence(match.doc)
    return [opening] if opening else []


def opening_sentence(doc: Document) -> str | None:
    """The sentence that says what was visited or inspected (and when), else the document's first sentence."""
    head = doc.text[:_OPENING_REACH]
    sentences = [head[a:b] for a, b in split_sentences(head)]
    for s in sentences:
        if _OPENING.search(s) and re.search(r"\d", s) and len(s.split()) >= 6:
            return s
    for s in sentences:
        if _OPENING.search(s) and len(s.split()) >= 6:
            return s
    return sentences[0] if sentences else None


def _citation(index, doc: Document, quote: str, n: int) -> Citation | None:
    start = doc.text.find(quote)
    if start < 0:
        return None
    found = index.chunk_at(doc.doc_id, start)
    chunk = found[1] if found else None
    return Citation(n=n, doc_id=doc.doc_id, title=doc.meta.title, date=doc.meta.date,
                    section=chunk.section if chunk else None, quote=quote, start=start, end=start + len(quote),
                    chunk_id=chunk.chunk_id if chunk else "")


# ---------------------------------------------------------------- words

def _text(aggregate: Aggregate, citations: list[Citation], area: str | None) -> str:
    by_n = {c.n: c for c in citations}
    if not aggregate.rows:
        return f"None of the indexed documents match: {aggregate.rule}."
    lines = [_headline(aggregate)]
    for row in aggregate.rows:
        quotes = "; ".join(f"“{by_n[n].quote}” [{n}]" for n in row.citations)
        lines.append(f"- {row.title}{_when(row)}: {quotes}" if quotes else f"- {row.title}{_when(row)}")
    if aggregate.kind == "timeline":
        lines += _changes(aggregate, area if area and area != ANY_AREA else "overall effectiveness")
    if aggregate.kind == "compare":
        lines += _comparison(aggregate, citations)
    return "\n".join(lines)


def _headline(aggregate: Aggregate) -> str:
    n, unit = aggregate.count, aggregate.unit
    noun = {"councils": ("council", "councils"), "areas": ("judgement area", "judgement areas")}.get(
        unit, ("document", "documents"))[n != 1]
    if aggregate.kind == "timeline":
        return f"{n} {noun}, oldest first: {aggregate.rule}."
    if aggregate.kind == "compare":
        return f"Compared: {aggregate.rule}."
    if unit == "documents":
        return f"{n} {noun} match: {aggregate.rule}."
    documents = len(aggregate.rows)
    return f"{n} {noun} match, from {documents} document{'s' if documents != 1 else ''}: {aggregate.rule}."


def _when(row: AggregateRow) -> str:
    """The inspection's dates, when the title does not already say them."""
    if row.date_basis == "stated" and row.visit_dates:
        done = "visited" if row.doc_type in _VISITS else "inspected"
        return f" ({done} {format_span(row.visit_dates)})"
    return ""


def _changes(aggregate: Aggregate, area: str) -> list[str]:
    """'Overall effectiveness: Inadequate (2017) → Requires improvement to be good (2022).'"""
    steps = []
    for row in aggregate.rows:
        graded = row_in(row.grades, area)
        if graded is not None and row.visit_dates:
            steps.append(f"{graded.grade} ({row.visit_dates[-1][:4]})")
    return [f"{AREA_LABELS.get(area, area)}: {' → '.join(steps)}."] if len(steps) > 1 else []


def _comparison(aggregate: Aggregate, citations: list[Citation]) -> list[str]:
    """One line per judgement area: each council's grade, cited."""
    number = {}
    for row in aggregate.rows:
        for grade, n in zip(row.grades, row.citations):
            number[id(grade)] = n
    lines = []
    for key, label in AREA_LABELS.items():
        cells = []
        for row in aggregate.rows:
            graded = row_in(row.grades, key)
            if graded is not None:
                cells.append(f"{row.council} {graded.grade} [{number.get(id(graded), '?')}]")
        if len(cells) > 1:
            lines.append(f"{label}: " + "; ".join(cells) + ".")
    return lines


def _kinds_phrase(doc_types: tuple[str, ...]) -> str:
    if not doc_types:
        return "letters and reports of every kind"
    if set(doc_types) == set(GRADED):
        return "full inspections (ILACS and SIF)"
    return _and([_KIND_NAMES.get(t, (t, t))[1] for t in doc_types], "and")


def _singular(phrase: str) -> str:
    if phrase == "full inspections (ILACS and SIF)":
        return "full inspection (ILACS or SIF)"
    if phrase == "letters and reports of every kind":
        return "letter or report"
    for one, many in _KIND_NAMES.values():
        phrase = phrase.replace(many, one)
    return phrase.replace(" and ", " or ")


def _and(items, word: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


__all__ = ["Match", "answer_aggregate", "count_of", "describe", "opening_sentence", "select"]
