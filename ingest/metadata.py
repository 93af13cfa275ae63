"""What a document's own text says about itself: council, type, dates, inspectors, source, title.

Only the text is read, never the file name: the same letter may arrive as an Ofsted PDF, a pasted
.txt or a newspaper article. Every function here is pure and returns defaults on odd input.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ingest.authorities import find_authorities
from ingest.dates import (
    DAY_RE,
    FULL_DATE,
    MONTH_RE,
    SPAN,
    format_date,
    format_span,
    ordinal_number,
    parse_date,
    parse_span,
)
from ingest.models import Metadata

# How far into a document its title, letter date, addressee and visit dates can be: letters
# put them after the Ofsted address block, so a couple of thousand characters is plenty.
HEAD_CHARS = 6000

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

# ---------------------------------------------------------------- people

_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"  # letters with accents too: "Máire Atherton"
_NAME_TOKEN = (
    rf"(?:[{_UP}][{_LOW}]*(?:['-][{_UP}{_LOW}][{_LOW}]+)*|Ma?c[{_UP}][{_LOW}]+|O'[{_UP}][{_LOW}]+|[{_UP}]\.?)"
)
_NAME = re.compile(
    rf"^(?:{_NAME_TOKEN})(?:\s+(?:(?:de|da|van|von|der|le|la|du|di|al|bin|el)\s+)?{_NAME_TOKEN}){{1,3}}$"
)
# Words that can never be part of a person's name in these documents.
_NOT_NAME_WORDS = frozenset(
    """her his majesty majesty's majestys inspector inspectors hmi hmis ofsted cqc lead team deputy
    shadow care quality commission council services children children's director corporate
    executive interim strategic chief officer head of the and for to in at with by local
    authority borough county city district department education social inspection visit
    report letter dear yours sincerely assistant acting manager partnership safeguarding
    national regulatory senior data analyst constabulary police probation health nhs icb
    integrated board group commissioner mayor crime designate supernumerary schools
    seconded team all whom are were was this is on visit findings overview insert name town hall
    house civic centre road street buildings municipal offices judgement grade""".split()
)
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Cllr|Councillor|Rev|Lord|Lady)\.?\s+", re.I)
_POSTNOMINALS = re.compile(r"(?:\s+(?:CBE|OBE|MBE|DBE|KBE|QPM|KPM|QFSM|KC|QC|JP|DL|FRSA|PhD))+\s*$")
_ROLE_WORDS = re.compile(
    r"\s+(?:(?:Interim|Acting|Executive|Corporate|Strategic|Deputy|Assistant|Chief|Managing|Operational|"
    r"Director|Head|Service|Cabinet|Lead|Programme|DCS)\b).*$"
)
_INSPECTOR_SENTENCES = (
    re.compile(r"\bInspectors? for this (?:visit|inspection) (?:were|was)\s+(?:lead inspector\s+)?", re.I),
    re.compile(r"\bThe inspectors (?:for this (?:visit|inspection) )?were\s+", re.I),
    re.compile(r"\b(?:Majesty's|HM) Inspectors (?:were|are)\s+", re.I),
    re.compile(r"\bThe (?:visit|inspection) was (?:carried out|undertaken|conducted) by\s+(?!inspectors from)", re.I),
)
_TEAM_LABEL = re.compile(
    r"\b(Lead inspector|Deputy lead inspector|Team inspectors?|Shadow inspectors?|Senior data analyst|"
    r"Quality assurance manager|Regulatory inspector)\s*:\s*",
    re.I,
)
_SEND_TEAM = re.compile(
    rf"((?:{_NAME_TOKEN})(?:[ ](?:{_NAME_TOKEN})){{1,3}})(?:\s+HMI)?,\s*(Ofsted|OFSTED|CQC)\b"
    r"(?:\s+(?:[Ll]ead\s+)?(?:Children's Services\s+)?(?:[Ii]nspector|HMI)\b)?"
)
# After a labelled name or list ("Lead inspector: Steve Lowe, Her Majesty's Inspector"), the title
# closes it: what follows is the report ("Judgement Grade ...").
_LIST_END = re.compile(r"(?<=(?:Her|His) Majesty's Inspector)(?!s)|(?<=Her Majesty's Inspectors)|(?<=His Majesty's Inspectors)")
_TITLES_AFTER_NAME = re.compile(
    r"\s*(?:,\s*)?(?:\(?(?:Her|His) Majesty's (?:Chief )?Inspectors?\)?|\(?HMIs?\)?|\(OI\)|\(HMI\)|"
    r"Ofsted Inspectors?|Social Care Regulatory Inspectors?|SCRI|Senior HMI|\([^)]*\)|all of whom are.*|"
    r"as an? [\w ]+inspector|HMI Schools)\s*",
    re.I,
)
# The role under a signature that makes the signer one of the visit's inspectors (not, say, a
# national director signing a joint inspection letter).
_SIGNED_AS_INSPECTOR = re.compile(
    r"(?:(?:Her|His) Majesty's Inspector|HMI|Ofsted Inspector|Lead Inspector)\b(?!s? of\b)", re.I
)
_CLOSINGS = ("Yours sincerely", "Yours Sincerely", "Yours faithfully", "Yours Faithfully")
_SENTENCE_END = re.compile(r"(?<![A-Z])\.(?:\s|$)")  # not the stop of an initial, "Jane A. Smith"
_DEAR = re.compile(r"^\s*Dear\s+(.+?)\s*,?\s*$", re.M)


def _clean(text: str) -> str:
    """Quotes and spaces made uniform so one pattern covers every copy of a letter."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ").replace("\r", "")


def _flat(text: str) -> str:
    """Whitespace runs (line and page breaks included) as single spaces."""
    return " ".join(text.split())


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
    text = _clean(raw)
    flat = _flat(text)
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

    inspectors = _inspectors(text, flat)
    if press:
        recipient = _press_recipient(flat)
    elif doc_type in ("focused_visit", "monitoring_visit", "jtai", "other"):
        recipient = find_recipient(text)
    else:
        recipient = None

    meta = Metadata(
        local_authority=local_authority,
        doc_type=doc_type,
        visit_number=visit_number,
        date=date,
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
    return _source_kind(_clean(text or ""))


def _source_kind(flat: str) -> str:
    return "press" if _PRESS_SIGNALS.search(flat.lower()) else "official"


def find_visit_dates(text: str, default_year: int | None = None, before: str | None = None) -> tuple[str, ...]:
    """ISO dates of the visit or inspection a document reports on; () if it names none.

    find_visit_dates("the focused visit to Barnet on 23 and 24 June 2021.") -> ("2021-06-23", "2021-06-24")
    """
    return _visit_dates(_flat(_clean(text or ""))[:HEAD_CHARS], default_year, before)


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


def find_inspectors(text: str) -> tuple[str, ...]:
    """Names of the inspectors, in the order the text gives them, without titles.

    find_inspectors("His Majesty's Inspectors for this visit were Steve Lowe and Louise Hocking.") -> ("Steve Lowe", "Louise Hocking")
    """
    text = _clean(text or "")
    return _inspectors(text, _flat(text))


def _inspectors(text: str, flat: str) -> tuple[str, ...]:
    names: list[str] = []
    head = flat[:HEAD_CHARS]
    for cue in _INSPECTOR_SENTENCES:
        m = cue.search(head)
        if m:
            names += _names_in_list(_sentence_from(head, m.end()))
            break
    # "Lead inspector: Steve Lowe, Her Majesty's Inspector" on report front pages, and SIF team
    # lists: only the head and the "inspection team" section are read.
    team_at = flat.lower().find("the inspection team", HEAD_CHARS)
    where = head + " " + (flat[team_at : team_at + 2000] if team_at >= 0 else "")
    for m in _TEAM_LABEL.finditer(where):
        if m.group(1).lower().split()[0] in ("senior", "quality"):
            continue
        rest = where[m.end() : m.end() + 400]
        stop = _TEAM_LABEL.search(rest) or _LIST_END.search(rest)
        names += _names_in_list(_sentence_from(rest[: stop.start()] if stop else rest, 0))
    # Area SEND team tables: "Sam Hainey, Ofsted Lead Inspector Lesley Perry, CQC Lead Inspector".
    heading = flat.find("Inspection team")  # area SEND reports list their team under this heading
    team_text = flat[heading : heading + 1500] if heading >= 0 else ""
    team = [(m.group(2).upper(), _leading_name(m.group(1))) for m in _SEND_TEAM.finditer(team_text)]
    names += [n for org, n in team if org == "OFSTED"] + [n for org, n in team if org == "CQC"]
    names.append(_signatory(text) or "")
    out: list[str] = []
    for name in names:
        name = _person(name or "")
        if name and name not in out:
            out.append(name)
    return tuple(out)


def _leading_name(text: str) -> str:
    """A name with any role words before it dropped: "Lead Inspector Lesley Perry" -> "Lesley Perry"."""
    words = text.split()
    while words and words[0].lower().strip(",") in _NOT_NAME_WORDS:
        words.pop(0)
    return " ".join(words)


def find_recipient(text: str) -> str | None:
    """The person a letter is addressed to: the name line of the address block, else "Dear ...".

    find_recipient("8 November 2022\\nCathi Hadley\\nCorporate Director\\n\\nDear Cathi") -> "Cathi Hadley"
    """
    text = _clean(text or "")
    dear = _DEAR.search(text[:HEAD_CHARS])
    if not dear:
        return None
    block = text[: dear.start()]
    dated = list(FULL_DATE.finditer(block))
    block = block[dated[-1].end() :] if dated else block[-600:]
    lines = [line.strip() for line in block.splitlines() if line.strip() and "insert" not in line.lower()]
    names = [_person(line.split(",")[0]) for line in lines]
    greeting = _HONORIFIC.sub("", dear.group(1)).lower().split()
    # The name line that "Dear ..." agrees with ("Dear Sal" -> "Saleem Tariq"), else the first line.
    for name in names:
        if name and greeting and any(
            g == w or (len(g) >= 3 and w.startswith(g)) for g in greeting for w in name.lower().split()
        ):
            return name
    if names and names[0]:
        return names[0]
    name = _person(dear.group(1))
    return name if name and len(name.split()) >= 2 else None


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
            what = f"{_ORDINAL_WORDS.get(meta.visit_number, str(meta.visit_number))} {what}"
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
    if meta.date:
        return f"{head} — {format_date(meta.date)}"
    if meta.visit_dates:
        # Without a date of its own, say when the work was done, and that this is what it is.
        done = "visited" if meta.doc_type in ("focused_visit", "monitoring_visit") else "inspected"
        return f"{head} — {done} {format_span(meta.visit_dates)}"
    return head


# ---------------------------------------------------------------- helpers

_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
                  8: "eighth", 9: "ninth", 10: "tenth"}


def _doc_type(scope: str):
    """(doc type, the title match, where the council's name sits) from the earliest title line."""
    m = _TITLE.search(scope)
    if not m:
        return "other", None, None
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
    dear = _DEAR.search(head)
    top = head[: dear.start()] if dear else head[:1500]
    lines = [line.strip() for line in top.splitlines()]
    dated = [parse_date(line) for line in lines if FULL_DATE.fullmatch(line)]
    if dated:
        return [dated[-1]]
    for line in lines:
        typo = _YEAR_TYPO.fullmatch(line)
        if typo:
            year = typo.group("year")
            readings = {year[:i] + year[i + 1 :] for i in range(len(year))}
            return sorted(filter(None, (parse_date(f"{typo.group('day')} {typo.group('month')} {y}")
                                        for y in readings if y.startswith("20"))))
    found = FULL_DATE.search(top) if dear else None
    return [parse_date(found.group(0))] if found else []


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
    bumped = f"{int(dates[-1][:4]) + 1}{dates[-1][4:]}"
    if end <= bumped <= f"{int(end[:4]) + 1}{end[4:]}":
        return bumped
    return dates[0] if len(dates) == 1 else None


def _press_date(flat: str) -> str | None:
    """An article's own date, from "Published:" or "Last updated:"; None if it gives none."""
    for m in _PRESS_DATE.finditer(flat):
        d = FULL_DATE.match(flat, m.end())
        if d:
            return parse_date(d.group(0))
    return None


def _sentence_from(text: str, start: int) -> str:
    """Text from `start` to the end of its sentence (a full stop not inside an initial)."""
    m = _SENTENCE_END.search(text, start)
    return text[start : m.start() if m else start + 300]


def _names_in_list(phrase: str) -> list[str]:
    """Names in "A, Her Majesty's Inspector, and B, HMI" or "A, B and C, all of whom are HMI"."""
    phrase = re.sub(r"-\s+(?=[a-z])", "-", phrase)  # a name hyphenated across a line break
    phrase = re.sub(r"\b(?:lead|team|deputy lead|shadow) inspectors?\b", ",", phrase, flags=re.I)
    phrase = _TITLES_AFTER_NAME.sub(", ", phrase)
    out = []
    for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", phrase):
        part = re.sub(r"\s+(?:HMI|SCRI|OI)$", "", part.strip(" .:"))
        name = _person(part)
        if name:
            out.append(name)
    return out


def _person(text: str) -> str | None:
    """A person's name from a line or phrase, honorific and job title dropped; None if none."""
    text = _HONORIFIC.sub("", text.strip(" ,.:;"))
    text = _ROLE_WORDS.sub("", text).strip(" ,.:;")
    text = _POSTNOMINALS.sub("", text)
    return text if _is_name(text) else None


def _is_name(text: str) -> bool:
    if not _NAME.match(text):
        return False
    words = text.lower().split()
    if any(w in _NOT_NAME_WORDS for w in words):
        return False
    return not _all_place(text)


def _all_place(text: str) -> bool:
    """Whether the council names found cover the whole phrase ("Telford and Wrekin")."""
    covered = sum(end - start for _, start, end in find_authorities(text))
    return covered >= len(text.replace(" ", "")) - 1


def _signatory(text: str) -> str | None:
    """The name signed under "Yours sincerely", if the line after it says the signer is an inspector."""
    at = max(text.rfind(closing) for closing in _CLOSINGS)
    if at < 0:
        return None
    tail = text[at : at + 300].split("\n", 1)[-1]
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    for i, line in enumerate(lines[:4]):
        one_line = _SIGNED_AS_INSPECTOR.search(line)
        if one_line and one_line.start() > 0:
            return _person(line[: one_line.start()])
        if i + 1 < len(lines) and _SIGNED_AS_INSPECTOR.match(lines[i + 1]):
            return _person(line)
    return None


def _press_recipient(flat: str) -> str | None:
    """The addressee a news article names: "the letter Ofsted sent to Elaine Redding, ..."."""
    m = re.search(r"\b(?:sent|addressed|written)\b[^.]{0,200}?\bto\b([^.]{0,200})", flat)
    if not m:
        return None
    for cand in re.finditer(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}}", m.group(1)):
        name = _person(cand.group(0))
        if name and "'" not in name:
            return name
    return None
