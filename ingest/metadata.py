"""What a document's own text says about itself: council, type, dates, inspectors, source, title.

Only the text is read, never the file name: the same letter may arrive as an Ofsted PDF, a pasted
.txt or a newspaper article. Every function here is pure and returns defaults on odd input.
The people a document names (its inspectors and addressee) are found by ingest.people.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date

from ingest.authorities import find_authorities
from ingest.dates import (
    DAY_RE,
    FULL_DATE,
    MONTH_RE,
    SPAN,
    format_date,
    format_span,
    ordinal_number,
    ordinal_word,
    parse_date,
    parse_span,
)
from ingest.models import Metadata
from ingest.people import (  # find_inspectors too, so it stays importable from here
    DEAR,
    HEAD_CHARS,
    clean_text,
    find_inspectors,
    find_recipient,
    flat_text,
    inspector_names,
    press_recipient,
)

__all__ = ["HEAD_CHARS", "find_inspectors", "find_metadata", "find_recipient", "find_visit_dates", "make_title",
           "source_kind_of"]

# ---------------------------------------------------------------- document type

# Title lines, each with where the council's name sits relative to the match.
_I = r"(?-i:I)"  # "Inspection of" as a title starts with a capital: "the inspection of local
#                  authority children's services (ILACS) framework" in a letter's body is not one.
_TITLES = (
    # "_" too: a press article may quote a file name, "Poole_Focused_visit_of_local_authority...".
    ("monitoring_visit", r"(?<![A-Za-z])monitoring[\s_]visit[\s_](?:to|of|at)(?![A-Za-z])", "after"),
    ("focused_visit", r"(?<![A-Za-z])focused[\s_]visit[\s_](?:to|of|at)(?![A-Za-z])", "after"),
    ("jtai", r"\bjoint targeted area inspection\b", "after"),
    ("area_send", r"\b(?:area|local area) SEND (?:inspection|revisit)\b", "after"),
    ("sif_inspection", r"\binspection of services for children in need of help and protection", "before"),
    ("ilacs_inspection", rf"\b{_I}nspection of (?:local authority )?children's social care services\b", "before"),
    ("ilacs_inspection", rf"\b{_I}nspection of local authority children's services\b", "before"),
    (
        "ilacs_inspection",
        rf"\b{_I}nspection of (?!services\b)[^.:]{{1,80}}? local authority children's services\b",
        "after",
    ),
)
# One pattern for all titles, so a single search finds the earliest.
_TITLE = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern, _) in enumerate(_TITLES)), re.I)
# Where a title's own words end and the letter's first sentence begins.
_TITLE_END = re.compile(
    r"children's services|Local Area Partnership|This letter|This inspection|Inspection dates?|Between|From\s+\d|"
    r"\bon\s+\d|Lead inspector|\.\s",
    re.I,
)
_TYPE_MENTIONS = re.compile(
    r"(?<![A-Za-z])(?:focused[\s_]visit|monitoring[\s_]visit|joint targeted area inspection|area SEND)", re.I
)
_TYPE_MENTION_KEYS = {"focu": "focused_visit", "moni": "monitoring_visit", "join": "jtai", "area": "area_send"}
_VISIT_NUMBER = re.compile(
    r"\b(?:This was|this is|is|was)?\s*(?:the|Ofsted's|its|their|a)\s+(\w+(?:-\w+)?)\s+monitoring visit\b", re.I
)

# ---------------------------------------------------------------- source kind

# Journalism around a letter: Ofsted in the third person, "here is the letter", comment furniture.
# Ofsted never writes these about its own letters.
# Matched against lower-cased text: several times faster than re.I over a long document.
_PRESS_SIGNALS = re.compile(
    r"\bofsted (?:said|says|found|has said|rated|told)\b|\bsaid ofsted\b|\breport this comment\b|"
    r"\bcomments:\s*our rules\b|\bread the rules\b|\bhere is (?:a copy of )?the (?:full )?letter\b|"
    r"\bthe (?:following is the )?full letter\b|\bletter (?:which |that )?ofsted sent\b|"
    r"\bto read the (?:letter|report) in full\b|\bhas been (?:released|published) by the (?:local authority|council)\b|"
    r"\bcouncil spokes(?:wo)?man\b|\bspokes(?:wo)?(?:man|person) (?:for|said)\b|\bshare this (?:article|story)\b|"
    r"\bas reported,|\bthe (?:education )?watchdog\b|\blast updated:"
)
_PRESS_DATE = re.compile(r"\b(?:Published|Last updated|Updated|Posted)\s*:?\s*(?:on\s+)?", re.I)

# ---------------------------------------------------------------- dates

# "6 November 20205": a year with a digit too many; each way of dropping one is a reading.
_YEAR_TYPO = re.compile(rf"(?P<day>{DAY_RE})\s+(?P<month>{MONTH_RE})\s+(?P<year>20\d{{3}})")
_REPORT_PUBLISHED = re.compile(r"\bReport published\s*:?\s*", re.I)
# Phrases a visit's dates follow, most specific first.
_VISIT_CUES = (
    re.compile(r"\bInspection dates?\s*:?\s*", re.I),
    re.compile(r"\b(?:inspection|visit) (?:took place|was carried out|was undertaken) (?:from|between|on)\s+", re.I),
    re.compile(r"\b(?:Between|From)\s+(?=[^.]{0,60}?,?\s+(?:Ofsted|the Care Quality|inspectors))", re.I),
    re.compile(r"\b(?:focused|monitoring) visit\b[^.]{0,250}?\bon\s+", re.I),
    re.compile(r"\b(?:visit|inspection)\b[^.]{0,200}?\b(?:on|from|between)\s+(?=\d)", re.I),
)

# ---------------------------------------------------------------- public

def find_metadata(raw: str) -> Metadata:
    """What a document's own text says about it: council, type, dates, inspectors, source kind, title.

    find_metadata("Focused visit to Barnet children's services").local_authority -> "Barnet"
    """
    if not isinstance(raw, str) or not raw.strip():
        return Metadata()
    try:
        return _find_metadata(raw)
    except (ValueError, IndexError, TypeError, AttributeError, RecursionError):  # pragma: no cover - defensive
        return Metadata()


def _find_metadata(raw: str) -> Metadata:
    text = clean_text(raw)
    flat = flat_text(text)
    source_kind = _source_kind(flat)
    press = source_kind == "press"
    scope = flat if press else flat[:HEAD_CHARS]

    doc_type, title_match, where = _doc_type(scope)
    if doc_type == "other" and press:
        doc_type = _most_mentioned_type(scope)
    local_authority = _local_authority(scope, title_match, where)
    visit_number = _visit_number(scope) if doc_type == "monitoring_visit" else None

    visit_dates = _visit_dates(scope)
    if press:
        date = _press_date(flat)  # the article's own date, never the letter's it quotes
    elif doc_type == "sif_inspection":
        date = _after_cue(_REPORT_PUBLISHED, scope)
    elif doc_type in ("ilacs_inspection", "area_send"):
        date = None  # these reports carry only their inspection dates and a copyright year
    else:
        date = _choose_letter_date(_letter_dates(text), visit_dates)
    if not visit_dates and date:
        # "Between 16 May and 20 May, Ofsted..." names no year: the letter's own gives it.
        visit_dates = _visit_dates(scope, default_year=int(date[:4]), before=date)
    date_basis = "stated" if date else None
    if not date and not press and visit_dates:
        # A report that states no date of its own is dated by the last day of its inspection, and says so.
        date, date_basis = visit_dates[-1], "inspection_end"

    inspectors = inspector_names(text, flat)
    if press:
        recipient = press_recipient(flat)
    elif doc_type in ("focused_visit", "monitoring_visit", "jtai", "other"):
        recipient = find_recipient(text)
    else:
        recipient = None

    meta = Metadata(
        local_authority=local_authority,
        doc_type=doc_type,
        visit_number=visit_number,
        date=date,
        date_basis=date_basis,
        visit_dates=visit_dates,
        inspectors=inspectors,
        recipient=recipient,
        source_kind=source_kind,
    )
    return replace(meta, title=make_title(meta))


def source_kind_of(text: str) -> str:
    """ "press" if the text is a news article about a letter, else "official".

    source_kind_of("OFSTED said there are serious weaknesses") -> "press"
    """
    return _source_kind(clean_text(text or ""))


def _source_kind(flat: str) -> str:
    return "press" if _PRESS_SIGNALS.search(flat.lower()) else "official"


def find_visit_dates(text: str, default_year: int | None = None, before: str | None = None) -> tuple[str, ...]:
    """ISO dates of the visit or inspection a document reports on; () if it names none.

    find_visit_dates("the focused visit to Barnet on 23 and 24 June 2021.") -> ("2021-06-23", "2021-06-24")
    """
    return _visit_dates(flat_text(clean_text(text or ""))[:HEAD_CHARS], default_year, before)


def _visit_dates(flat: str, default_year: int | None = None, before: str | None = None) -> tuple[str, ...]:
    for cue in _VISIT_CUES:
        for m in cue.finditer(flat):
            span = SPAN.match(flat, m.end())
            if not span:
                continue
            dates = parse_span(span.group(0), default_year=default_year, before=before)
            if dates:
                return dates
    return ()


def make_title(meta: Metadata) -> str:
    """A readable title from the fields: what, about whom, and the letter's date or else the visit's.

    make_title(Metadata("Barnet", "focused_visit", date="2021-08-02")) -> "Focused visit to Barnet — 2 August 2021"
    """
    la = meta.local_authority or "unknown council"
    if meta.source_kind == "press":
        what = {
            "monitoring_visit": "monitoring visit",
            "focused_visit": "focused visit",
            "ilacs_inspection": "inspection",
            "jtai": "joint targeted area inspection",
            "area_send": "area SEND inspection",
            "sif_inspection": "inspection",
        }.get(meta.doc_type, "report")
        if meta.doc_type == "monitoring_visit" and meta.visit_number:
            what = f"{ordinal_word(meta.visit_number)} {what}"
        when = (meta.visit_dates[:1] or (meta.date,))[0]
        month = format_date(when).split(" ", 1)[-1] if when else ""
        return f"Press: {what} to {la}" + (f" ({month})" if month else "")
    if meta.doc_type == "monitoring_visit":
        head = f"Monitoring visit {meta.visit_number} to {la}" if meta.visit_number else f"Monitoring visit to {la}"
    else:
        head = {
            "focused_visit": f"Focused visit to {la}",
            "ilacs_inspection": f"Inspection of {la} (ILACS)",
            "jtai": f"Joint targeted area inspection of {la}",
            "area_send": f"Area SEND inspection of {la}",
            "sif_inspection": f"Inspection of {la} (SIF)",
        }.get(meta.doc_type, f"Document about {la}")
    if meta.date and meta.date_basis != "inspection_end":
        return f"{head} — {format_date(meta.date)}"
    if meta.visit_dates:
        # Without a date of its own, say when the work was done, and that this is what it is.
        done = "visited" if meta.doc_type in ("focused_visit", "monitoring_visit") else "inspected"
        return f"{head} — {done} {format_span(meta.visit_dates)}"
    return head


# ---------------------------------------------------------------- helpers

def _doc_type(scope: str):
    """(doc type, the title match, where the council's name sits) from the earliest title line."""
    m = _TITLE.search(scope)
    if not m:
        return "other", None, None
    assert m.lastgroup is not None  # every alternative of _TITLE is a named group
    doc_type, _, where = _TITLES[int(m.lastgroup[1:])]
    return doc_type, m, where


def _local_authority(scope: str, title: re.Match | None, where: str | None) -> str | None:
    if title is not None:
        if where == "after":
            window = scope[title.end() : title.end() + 300]
            end = _TITLE_END.search(window)
            # Keep the first council named in the title, or failing that in the first sentence.
            for part in ((window[: end.end()] if end else window), window):
                found = find_authorities(part)
                if found:
                    return found[0][0]
        else:
            found = find_authorities(scope[max(0, title.start() - 250) : title.start()])
            if found:
                return found[-1][0]
    counts = Counter(name for name, _, _ in find_authorities(scope[:HEAD_CHARS]))
    return counts.most_common(1)[0][0] if counts else None


def _most_mentioned_type(scope: str) -> str:
    """For an article with no title line: the kind of visit it talks about most."""
    counts = Counter(_TYPE_MENTION_KEYS[m.group(0).lower()[:4]] for m in _TYPE_MENTIONS.finditer(scope))
    return counts.most_common(1)[0][0] if counts else "other"


def _visit_number(scope: str) -> int | None:
    for m in _VISIT_NUMBER.finditer(scope):
        number = ordinal_number(m.group(1))
        if number:
            return number
    return None


def _after_cue(cue: re.Pattern, scope: str) -> str | None:
    """The date written right after a label such as "Report published:"."""
    m = cue.search(scope)
    if not m:
        return None
    d = FULL_DATE.match(scope, m.end())
    return parse_date(d.group(0)) if d else None


def _letter_dates(text: str) -> list[str]:
    """The date line at the top of a letter (the last date on a line of its own before "Dear"), as
    a list: one date, or the readings of a mistyped year ("6 November 20205"), or none."""
    head = text[:HEAD_CHARS]
    dear = DEAR.search(head)
    top = head[: dear.start()] if dear else head[:1500]
    lines = [line.strip() for line in top.splitlines()]
    dated = [parse_date(line) for line in lines if FULL_DATE.fullmatch(line)]
    if dated:
        return [dated[-1]] if dated[-1] else []  # "31 February 2021" is no date
    for line in lines:
        typo = _YEAR_TYPO.fullmatch(line)
        if typo:
            year = typo.group("year")
            readings = {year[:i] + year[i + 1 :] for i in range(len(year))}
            return sorted(filter(None, (parse_date(f"{typo.group('day')} {typo.group('month')} {y}")
                                        for y in readings if y.startswith("20"))))
    found = FULL_DATE.search(top) if dear else None
    iso = parse_date(found.group(0)) if found else None
    return [iso] if iso else []


def _choose_letter_date(dates: list[str], visit_dates: tuple[str, ...]) -> str | None:
    """The reading of the letter date that does not precede the visit it reports on.

    A letter dated "21 January 2019" about a visit in December 2019 is the new-year slip for 2020;
    of a mistyped year's readings, the first on or after the visit is taken.
    """
    if not dates:
        return None
    if not visit_dates:
        return dates[0] if len(dates) == 1 else None
    end = visit_dates[-1]
    after = [d for d in dates if d >= end]
    if after:
        return after[0]
    bumped = _next_year(dates[-1])  # None for 29 February
    if bumped and end <= bumped <= f"{int(end[:4]) + 1}{end[4:]}":
        return bumped
    return dates[0] if len(dates) == 1 else None


def _next_year(iso: str) -> str | None:
    """The same day a year later, or None when there is none ('2020-02-29')."""
    try:
        return date.fromisoformat(iso).replace(year=int(iso[:4]) + 1).isoformat()
    except ValueError:
        return None


def _press_date(flat: str) -> str | None:
    """An article's own date, from "Published:" or "Last updated:"; None if it gives none."""
    for m in _PRESS_DATE.finditer(flat):
        d = FULL_DATE.match(flat, m.end())
        if d:
            return parse_date(d.group(0))
    return None
