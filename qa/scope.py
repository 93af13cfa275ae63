"""Read the scope a question sets in its own words: council, years, kind of visit, source."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from index.index import Filters
from ingest.authorities import find_authorities
from ingest.dates import ordinal_number
from ingest.models import DOC_TYPES, GRADED_TYPES

_YEAR = re.compile(r"\b(20[0-3]\d|19[89]\d)\b")
_RANGE = re.compile(r"\b(?:between|from)\s+(?:the\s+)?(20[0-3]\d)\s+(?:\w+\s+)?(?:and|to|-|–)\s+(?:the\s+)?"
                    r"(20[0-3]\d)\b", re.I)
_SINCE = re.compile(r"\b(?:since|after)\s+(?:the\s+(?:start|beginning)\s+of\s+|(?:January|Jan)\s+)?"
                    r"(?:the\s+|its\s+|their\s+)?(20[0-3]\d)\b"
                    r"|\bfrom\s+(20[0-3]\d)\s+(?:on|onwards?)\b|\b(20[0-3]\d)\s+onwards?\b", re.I)
_BEFORE = re.compile(r"\b(?:before|until|prior to)\s+(20[0-3]\d)\b", re.I)
_MONITORING = re.compile(r"\b(?:(\w+)\s+)?monitoring visits?\b", re.I)

# Phrases naming a kind of document; checked in order, a phrase claims its words.
_TYPE_PHRASES: list[tuple[re.Pattern, tuple[str, ...]]] = [
    (re.compile(r"\bjoint targeted area inspections?\b|\bJTAIs?\b|\bjoint (?:area )?inspections?\b", re.I), ("jtai",)),
    (re.compile(r"\barea SEND(?: inspections?)?\b|\bSEND inspections?\b|\blocal area partnership\b", re.I),
     ("area_send",)),
    (re.compile(r"\bfocuss?ed visits?\b", re.I), ("focused_visit",)),  # "focussed", the British spelling, too
    (re.compile(r"\bmonitoring visits?\b", re.I), ("monitoring_visit",)),
    (re.compile(r"\bSIF\b|\bsingle inspection framework\b", re.I), ("sif_inspection",)),
    (re.compile(r"\b(?:full |standard |short |graded )?ILACS(?: inspections?| reports?)?\b", re.I),
     ("ilacs_inspection",)),
    (re.compile(r"\b(?:full |standard |short |graded )?inspections?(?: reports?)?\b", re.I),
     GRADED_TYPES),
]
_OVER_TIME = re.compile(
    r"\bover time\b|\bchanged?\b|\bchanges\b|\bsince\b|\bbetween\b.*\band\b|\bimprov(?:ed|ing)\b|\bprogress(?:ed)?\b"
    r"|\bdevelop(?:ed|ing)\b|\bacross\b|\bby the time\b|\bstill\b|\bany longer\b|\bevolv"
    r"|\b(?:got|get|gets|getting|gotten|become|became) (?:any |much )?(?:better|worse)\b|\bworsen|\bdeteriorat"
    r"|\bfixed\b|\bsorted\b|\bcompared (?:with|to)\b|\bgone (?:up|down)\b|\bwent (?:up|down)\b|\bsped up\b",
    re.I,
)
_LATEST = re.compile(r"\b(?:latest|last|most recent|newest|current|recent)\b"
                     r"(?!\s+(?:year|month|week|summer|spring|autumn|winter))", re.I)
_CHANGE_WORDS = re.compile(
    r"\bover time\b|\bchanged?\b|\bchanges\b|\bsince\b|\bimprov(?:ed|ing)\b|\bany longer\b|\bstill\b|\bfixed\b|"
    r"\b(?:got|get|gets|getting|gotten|become|became) (?:any |much )?(?:better|worse)\b|\bworsen\w*|\bdeteriorat\w*|"
    r"\bsorted\b|\bgone (?:up|down)\b|\bwent (?:up|down)\b", re.I)
_VERIFYING = re.compile(r"\bis it (?:true|right|correct)\b|\breally\b"
                        r"|\b(?:did|does) (?:the|it|that|this|they|inspectors|ofsted)\b"
                        r"[^?]{0,60}\b(?:say|said|find|found|report|claim)\b|\bconfirm\b", re.I)
_SEND = re.compile(r"\bSEND\b|\bspecial educational needs\b|\bdisabilit|\bEHC", re.I)
_PRESS = re.compile(r"\b(?:press|newspapers?|news articles?|articles?|journalists?|reported in the)\b", re.I)


@dataclass(frozen=True)
class Scope:
    """Filters read from a question, and the same in words for people."""

    filters: Filters = field(default_factory=Filters)
    unknown_authorities: tuple[str, ...] = ()  # named in the question but not in the index
    notes: tuple[str, ...] = ()
    latest: bool = False  # only each council's most recent matching document ("the latest focused visit")

    def describe(self) -> str:
        return "; ".join(self.notes)


def parse_scope(question: str, indexed_authorities: set[str]) -> Scope:
    """The scope `question` sets, limited to what is unambiguous.

    "In Essex's 2025 focused visit on PLO, ..." -> authorities ('Essex',), years (2025,), types ('focused_visit',)
    """
    notes: list[str] = []
    filters = Filters()

    named = []
    for name, _, _ in find_authorities(question):
        if name not in named:
            named.append(name)
    known = tuple(n for n in named if n in indexed_authorities)
    unknown = tuple(n for n in named if n not in indexed_authorities)
    if known:
        filters = replace(filters, local_authorities=known)
        notes.append("council: " + ", ".join(known))

    years, date_from, date_to = _years(question)
    over_time = spans_time(question)
    if over_time and years:  # "since the 2019 inspection": that letter and every one after it
        years, date_from = (), f"{min(years)}-01-01"
    if years:
        filters = replace(filters, years=years)
        notes.append("year: " + ", ".join(map(str, years)))
    if date_from or date_to:
        filters = replace(filters, date_from=date_from, date_to=date_to)
        notes.append(f"dates: {date_from or '…'} to {date_to or '…'}")

    types, number = _doc_types(question)
    if over_time and number is None:
        types = ()  # a later visit of any kind may show the change
        if not _SEND.search(question):
            # ...of the council's children's services: an area SEND report is about other services
            filters = replace(filters, doc_types=tuple(t for t in DOC_TYPES if t != "area_send"))
            notes.append("children's services letters and reports (not area SEND)")
    if types:
        filters = replace(filters, doc_types=types)
        notes.append("type: " + ", ".join(t.replace("_", " ") for t in types))
    if number is not None:
        filters = replace(filters, visit_number=number)
        notes.append(f"monitoring visit {number}")

    if _PRESS.search(question):
        filters = replace(filters, source_kinds=("press",))
        notes.append("press articles")
    latest = bool(_LATEST.search(question)) and not over_time and not years and not (date_from or date_to)
    if latest:
        notes.append("the latest letter")
    return Scope(filters=filters, unknown_authorities=unknown, notes=tuple(notes), latest=latest)


def year_bounds(question: str) -> tuple[tuple[int, ...], int | None, int | None]:
    """The years a question names: single years, or the first and last of a range ('since 2021' -> 2021, None).

    year_bounds("between 2019 and 2022") -> ((), 2019, 2022)
    """
    span = _RANGE.search(question)
    if span:
        a, b = sorted((int(span.group(1)), int(span.group(2))))
        return (), a, b
    since = _SINCE.search(question)
    if since:
        return (), int(next(g for g in since.groups() if g)), None
    before = _BEFORE.search(question)
    if before:
        return (), None, int(before.group(1)) - 1
    return tuple(sorted({int(y) for y in _YEAR.findall(question)})), None, None


def doc_types_named(question: str) -> tuple[str, ...]:
    """The kinds of document a question names: 'focused visits' -> ('focused_visit',)."""
    return _doc_types(question)[0]


def names_latest(question: str) -> bool:
    """True when a question asks for the latest of something: 'latest', 'most recent', 'current'."""
    return _LATEST.search(question) is not None


def _years(question: str) -> tuple[tuple[int, ...], str | None, str | None]:
    years, first, last = year_bounds(question)
    if first is not None and last is not None:
        return (), f"{first}-01-01", f"{last + 1}-06-30"  # a report often lands months after its visit
    if first is not None:
        return (), f"{first}-01-01", None
    if last is not None:
        return (), None, f"{last}-12-31"
    return years, None, None


def _doc_types(question: str) -> tuple[tuple[str, ...], int | None]:
    text = question
    types: list[str] = []
    for pattern, kinds in _TYPE_PHRASES:
        if pattern.search(text):
            types += [k for k in kinds if k not in types]
            text = pattern.sub(" ", text)
    number = None
    for m in _MONITORING.finditer(question):
        number = _visit_ordinal(m.group(1)) or number
    return tuple(types), number


def _visit_ordinal(word: str | None) -> int | None:
    """The number an ordinal before "monitoring visit" gives: 'second' -> 2, '3rd' -> 3 (not a bare '5')."""
    return ordinal_number(word) if word and not word.isdigit() else None


def without_scope_words(question: str, change_words: bool = True) -> str:
    """`question` less the words that set its scope (councils, years, kinds of visit), which the
    filters already satisfy: a letter need not repeat them to answer.

    "Who were the inspectors on the second monitoring visit?"
        -> "Who were the inspectors on the                         ?"
    """
    spans = [(a, b) for _, a, b in find_authorities(question)]
    spans += [m.span() for m in _YEAR.finditer(question)]
    for pattern, _ in _TYPE_PHRASES:
        spans += [m.span() for m in pattern.finditer(question)]
    for m in _MONITORING.finditer(question):
        if _visit_ordinal(m.group(1)):
            spans.append(m.span())
    if change_words and spans_time(question) and not _VERIFYING.search(question):
        # "has the front door improved since 2021?": the change asked about is the scope; the topic is the front door
        # (but in "is it true it had improved?" the change is the claim to find)
        spans += [m.span() for m in _CHANGE_WORDS.finditer(question)]
    drop = [False] * len(question)
    for a, b in spans:  # spans may overlap ("joint targeted area inspection" holds "inspection")
        drop[a:b] = [True] * (b - a)
    return "".join(" " if gone else ch for ch, gone in zip(question, drop))


def spans_time(question: str) -> bool:
    """True for questions about change across letters ('over time', 'since 2022', 'between ... and ...')."""
    return _OVER_TIME.search(question) is not None
