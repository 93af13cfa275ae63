"""Read English dates as Ofsted writes them: "8 November 2022", "4 and 5 October 2022",
"28 November to 2 December 2022", "30 December 2019 to 3 January 2020".

Everything here is a pure function over strings; nothing raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
ORDINALS = {word: i for i, word in enumerate(_UNITS, start=1)}
ORDINALS.update({
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30,
})
for _i, _word in enumerate(_UNITS, start=1):
    ORDINALS[f"twenty-{_word}"] = 20 + _i
    ORDINALS[f"twenty {_word}"] = 20 + _i
ORDINALS["thirty-first"] = ORDINALS["thirty first"] = 31

MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
# Longest ordinal words first so "twenty-first" is not read as "twenty" + junk.
_ORD_RE = "|".join(sorted((re.escape(w).replace(r"\ ", r"[\s-]") for w in ORDINALS), key=len, reverse=True))
DAY_RE = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORD_RE})"
_WEEKDAY_RE = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
# One item of a list or range: "4", "4th", "fifth", "5 October", "5 October 2022", "Monday 5th of October, 2022".
_ITEM_RE = (
    rf"{_WEEKDAY_RE}?(?:the\s+)?{DAY_RE}(?![\d:])"
    rf"(?:\s+(?:of\s+)?{MONTH_RE}(?:,?\s+(?:\d{{4}})(?!\d))?)?"
)
# Between items: punctuation, or spaces, each optionally followed by a joining word. Written so
# that a run of spaces can be split only one way: optional \s* on both sides of an optional
# word backtracks exponentially on text like "1 1 1 1 ...".
_SEP_RE = r"(?:\s*[,–—/-]\s*(?:(?:and|to|until|till|through|&)\s+)?|\s+(?:(?:and|to|until|till|through|&)\s+)?)"
# A span is a run of items whose last item names a month; the month/year of later items carry back.
# At most eight items, which also bounds the work on long runs of numbers.
SPAN = re.compile(
    rf"(?<![\w£$.])(?:{_ITEM_RE}{_SEP_RE}){{0,8}}{_WEEKDAY_RE}?(?:the\s+)?{DAY_RE}\s+(?:of\s+)?{MONTH_RE}"
    rf"(?:,?\s+\d{{4}}(?!\d))?",
    re.IGNORECASE,
)
FULL_DATE = re.compile(
    rf"(?<![\w£$.]){_WEEKDAY_RE}?(?P<day>{DAY_RE})\s+(?:of\s+)?(?P<month>{MONTH_RE}),?\s+(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_ITEM_PARTS = re.compile(
    rf"{_WEEKDAY_RE}?(?:the\s+)?(?P<day>{DAY_RE})(?![\d:])"
    rf"(?:\s+(?:of\s+)?(?P<month>{MONTH_RE})(?:,?\s+(?P<year>\d{{4}})(?!\d))?)?",
    re.IGNORECASE,
)


def day_number(token: str) -> int | None:
    """Day of month from "5", "5th" or "fifth"; None if it is not one.

    day_number("twenty-first") -> 21
    """
    token = token.strip().lower()
    digits = re.match(r"(\d{1,2})(?:st|nd|rd|th)?$", token)
    if digits:
        return int(digits.group(1))
    return ORDINALS.get(re.sub(r"\s+", " ", token))


def ordinal_number(word: str) -> int | None:
    """Number of an ordinal word or numeral: "fifth" -> 5, "2nd" -> 2; None otherwise.

    ordinal_number("second") -> 2
    """
    return day_number(word)


def month_number(name: str) -> int | None:
    """Month number from a full or short English month name.

    month_number("Sept.") -> 9
    """
    return MONTHS.get(name.strip().rstrip(".").lower())


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """ISO date of a single written date; None if there is no complete one.

    parse_date("8 November 2022") -> "2022-11-08"
    """
    m = FULL_DATE.search(text or "")
    if not m:
        return None
    day, month = day_number(m.group("day")), month_number(m.group("month"))
    if day is None or month is None:
        return None
    return _iso(int(m.group("year")), month, day)


def find_full_dates(text: str) -> list[tuple[str, int, int]]:
    """Every complete "day month year" in the text as (ISO date, start, end).

    find_full_dates("on 8 November 2022.") -> [("2022-11-08", 3, 18)]
    """
    out = []
    for m in FULL_DATE.finditer(text or ""):
        iso = parse_date(m.group(0))
        if iso:
            out.append((iso, m.start(), m.end()))
    return out


@dataclass
class _SpanItem:
    """One day of a written list or range; a month or year not written beside it comes from a later item."""

    day: int
    month: int | None
    year: int | None
    year_written: bool


def parse_span(text: str, default_year: int | None = None, before: str | None = None) -> tuple[str, ...]:
    """ISO dates of a written list or range of days, in order; () if none.

    A range ("6 to 17 December 2021") gives its first and last day; a list ("4 and 5 October 2022")
    gives every day listed. Missing months and years are taken from later items, then from
    `default_year`; a range that would run backwards crosses a year end. `before` (ISO) caps a
    year taken from `default_year`: a visit cannot follow the letter about it.

    parse_span("28 November to 2 December 2022") -> ("2022-11-28", "2022-12-02")
    """
    m = SPAN.search(text or "")
    if not m:
        return ()
    items: list[_SpanItem] = []
    for part in _ITEM_PARTS.finditer(m.group(0)):
        day = day_number(part.group("day"))
        if day is None:
            continue
        month = month_number(part.group("month")) if part.group("month") else None
        year = int(part.group("year")) if part.group("year") else None
        items.append(_SpanItem(day, month, year, year is not None))
    if not items:
        return ()
    final = items[-1]
    if final.year is None:
        if default_year is None:
            return ()
        last = _iso(default_year, final.month, final.day) if final.month else None
        final.year = default_year - 1 if before and last and last > before else default_year
    # Carry months and years back from later items: "4 and 5 October 2022".
    carried_month: int | None = None
    carried_year: int | None = None
    for item in reversed(items):
        carried_month = item.month = item.month or carried_month
        # "0000" is a year written, if no real one
        carried_year = item.year = carried_year if item.year is None else item.year
    if any(item.month is None for item in items):
        return ()
    # A year carried back over a year end: "30 December to 3 January 2020".
    for i in range(len(items) - 2, -1, -1):
        item, later = items[i], items[i + 1]
        if not item.year_written and item.year == later.year and (item.month, item.day) > (later.month, later.day):
            assert item.year is not None  # the last item's year is set above and carried back to every item
            item.year -= 1
    dates: list[str] = []
    for item in items:
        assert item.year is not None and item.month is not None  # both filled in or returned on above
        iso = _iso(item.year, item.month, item.day)
        if iso is None:  # a day the calendar lacks: "31 June"
            return ()
        dates.append(iso)
    # Items are the ends of a range or the days of a list: either way, all of them, in order.
    return tuple(sorted(set(dates)))


def format_date(iso: str | None) -> str:
    """Readable date from ISO: "2022-11-08" -> "8 November 2022"; "" for None or bad input.

    format_date("2022-11-08") -> "8 November 2022"
    """
    try:
        d = date.fromisoformat(iso or "")
    except (TypeError, ValueError):
        return ""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_span(dates: tuple[str, ...]) -> str:
    """Readable first-to-last span: ("2022-10-04", "2022-10-05") -> "4 to 5 October 2022".

    format_span(("2021-12-06", "2021-12-17")) -> "6 to 17 December 2021"
    """
    try:
        first, last = date.fromisoformat(dates[0]), date.fromisoformat(dates[-1])
    except (IndexError, TypeError, ValueError):
        return ""
    if first == last:
        return format_date(dates[0])
    if first.year != last.year:
        return f"{format_date(dates[0])} to {format_date(dates[-1])}"
    if first.month != last.month:
        return f"{first.day} {MONTH_NAMES[first.month - 1]} to {format_date(dates[-1])}"
    return f"{first.day} to {format_date(dates[-1])}"


def ordinal_word(number: int) -> str:
    """The ordinal word for a number: 2 -> "second"; the numeral with its suffix past the words."""
    for word, n in ORDINALS.items():
        if n == number and " " not in word:
            return word
    return f"{number}th"


ORDINAL_RE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in ORDINALS if " " not in w), key=len, reverse=True))
    + r"|\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"(?<![\w£$.]){MONTH_RE},?\s+(?P<year>\d{{4}})(?!\d)", re.IGNORECASE)
_LONE_YEAR = re.compile(r"(?<![\w£$.-])(?:19|20)\d\d(?![\d%])")
_MONTH_DAY = re.compile(rf"(?<![\w£$.])(?P<month>{MONTH_RE})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:%])"
                        rf"(?:,?\s+(?P<year>\d{{4}})(?!\d))?", re.IGNORECASE)
_NO_YEAR = 1904  # a leap year standing for a year not written; such dates are given as "*-MM-DD"


def dates_in(text: str) -> set[str]:
    """Every date `text` names, at the precision it is given: days, months, or years.

    dates_in("visited on 4 and 5 October 2022, and in June 2023") -> {"2022-10-04", "2022-10-05", "2023-06"}
    dates_in("inadequate since 2019") -> {"2019"}
    dates_in("between January 14 and February 1") -> {"*-01-14", "*-02-01"} (no year written)
    """
    text = text or ""
    found: set[str] = set()
    taken: list[tuple[int, int]] = []
    position = 0
    while True:
        m = SPAN.search(text, position)
        if not m:
            break
        written = re.search(r"\d{4}", m.group(0)) is not None
        days = parse_span(m.group(0), default_year=None if written else _NO_YEAR)
        if days:
            found.update(d if written else "*" + d[4:] for d in days)
            taken.append(m.span())
        position = m.end()
    for m in _MONTH_DAY.finditer(text):  # "January 14", "February 1, 2019"
        if any(a <= m.start() < b for a, b in taken):
            continue
        month, day = month_number(m.group("month")), int(m.group("day"))
        iso = _iso(int(m.group("year") or _NO_YEAR), month, day) if month else None
        if iso:
            found.add(iso if m.group("year") else "*" + iso[4:])
            taken.append(m.span())
    for m in _MONTH_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            month = month_number(m.group(0).split()[0].rstrip(","))
            if month:
                found.add(f"{m.group('year')}-{month:02d}")
                taken.append(m.span())
    for m in _LONE_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            found.add(m.group(0))
    return found


def say_date(iso: str) -> str:
    """A date of any precision in words: "2022-10" -> "October 2022", "2022-10-04" -> "4 October 2022"."""
    parts = iso.split("-")
    if parts[0] == "*":
        return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]}"
    if len(parts) == 3:
        return format_date(iso)
    if len(parts) == 2:
        return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return iso
