"""What kind of answer a question wants, and whether a sentence could be one.

A question asking for a figure needs a sentence with a figure; one asking for a name needs a
name; one quoting words needs those words. When no close sentence qualifies, the letters do not
answer it, however near their topic.
"""

from __future__ import annotations

import re

from ingest.quotes import quotations
from qa.checks import figures
from qa.text import stem, tokens

_QUANTITY = re.compile(
    r"^\s*(?:how (?:much|many|often|long)\b|what (?:percentage|proportion|share|number|rate|amount)\b|"
    r"what (?:is|was|were|are) (?:the )?[\w\s'’-]*\b(?:rate|number|percentage|proportion|budget|cost|spend|"
    r"spending|figure|total|salary|salaries|pay|wage|wages|allowance|fee|fees|price)\b)",
    re.I,
)
# A figure: a number that is not a year, a date's day or a paragraph number; a share; money.
_FIGURE = re.compile(
    r"£\s?\d|\b\d+(?:\.\d+)?\s?(?:%|per cent)|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|half|"
    r"a third|a quarter)\s+(?:in|out of|of)\s+\w+|\b(?!(?:19|20)\d\d\b)\d+(?:,\d{3})*(?:\.\d+)?\b(?!\s*(?:January|"
    r"February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|dozen)\b",
    re.I,
)
_PARAGRAPH_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")
_NAME_QUESTION = re.compile(
    r"\bwhat (?:is|was|were|are) the names? of\b|^\s*who (?:is|was|were|are) the\b|\bname the\b|\bwhat(?:'s| is| was)? "
    r"(?:it|they|the \w+(?: \w+)?) called\b|\bcalled\s*\??\s*$|^\s*which (?:\w+ )?"
    r"(?:club|company|companies|charity|charities|firm|business|provider|"
    r"organisation|organization|agency|school|hospital|trust|consultancy|person|people|councillor|minister)s?\b", re.I)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")


def asks_quantity(question: str) -> bool:
    """True for questions answered by a figure: 'How many families were waiting ...?'."""
    return _QUANTITY.search(question) is not None


def has_figure(sentence: str) -> bool:
    """True when a sentence states a figure: 'a waiting list of 33 families' (not '12. Leaders ...' or '2021')."""
    return _FIGURE.search(_PARAGRAPH_NUMBER.sub("", sentence)) is not None


def asks_name(question: str) -> bool:
    """True for questions answered by a person's or a thing's name: 'Who were the inspectors ...?'."""
    return _NAME_QUESTION.search(question) is not None


_PERSON_ASKED = re.compile(r"\b(?:who|worker|inspectors?|director|manager|officer|person|councillor|leader|chair|"
                           r"adviser|advisor|DCS)\b", re.I)


def has_name(sentence: str, question: str) -> bool:
    """True when a sentence holds a capitalised name that the question does not already give; for a
    question not about a person, a quoted name ('Hearing young people's experience') counts too."""
    asked = question.lower()
    if any(m.group().lower() not in asked for m in _NAME.finditer(sentence)):
        return True
    return not _PERSON_ASKED.search(question) and bool(quotations(sentence))


def quoted_phrases(question: str) -> list[str]:
    """Words a question puts in quotation marks, which an answer must contain: "what is 'through their eyes'?"."""
    return quotations(question, straight_single=True)



_GRADE_QUESTION = re.compile(
    r"\b(?:rated|rating|ratings|graded|grades?|judged|judgements?|verdict|outstanding|inadequate|requires? improvement|"
    r"overall effectiveness|how did \w+(?: \w+)? (?:do|fare)|score[ds]?)\b", re.I)
_WHEN_QUESTION = re.compile(r"^\s*when\b|\bwhat (?:dates?|day|month|year)\b|\bhow long\b|\b(?:which|what) dates?\b|"
                            r"\b(?:two|three|four|five|\d+)[- ](?:day|week)\b|\bdates?\b", re.I)
_LIST_MARKER = re.compile(r"^\s*(?:[•◼▪●○◦■□➢►\-–—*]|\(?[a-z]\)|\(?\d{1,3}[.)]|[ivx]{1,4}[.)])\s+")


def asks_grade(question: str) -> bool:
    """True for questions answered by an inspection grade: 'What was Bury rated overall in 2021?'."""
    return _GRADE_QUESTION.search(question) is not None


def asks_when(question: str) -> bool:
    """True for questions answered by dates or a duration: 'When did the visit take place?'."""
    return _WHEN_QUESTION.search(question) is not None


def list_marker(sentence: str) -> int:
    """Length of a list marker or paragraph number opening `sentence` ('• ', '12. ', '(a) '), else 0."""
    m = _LIST_MARKER.match(sentence)
    return m.end() if m and m.end() < len(sentence) else 0


_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w'’-]+\s+){0,4}?[\w'’-]+?)"
                       r"(?=\s+(?:were|was|did|do|does|are|is|had|have|has|in|on|at|"
                       r"for|of|did|would|will|could|can|got|get|received?|with|by|who|that|wait|waiting|live|living)"
                       r"\b|\?|$)",
                       re.I)
_SHARE = re.compile(r"\b(?:what|which)\s+(?:percentage|proportion|share|per ?cent|fraction|rate)\b"
                    r"|\bwhat %|\bhow much of\b", re.I)
_DURATION = re.compile(r"\bhow long\b|\bhow many (?:weeks|days|months|years|hours)\b", re.I)
_MONEY = re.compile(r"\bhow much\b.*\b(?:spend|spent|spending|cost|costs|money|budget|funding|fund|invest|"
                    r"investment|pay|paid|overspend|allowance)\b|\bhow much (?:money|funding)\b"
                    r"|\b(?:salary|salaries|wages?|fees?|"
    r"price|allowance)\b", re.I)
_MONEY_FIGURE = re.compile(r"£\s?\d|\b\d+(?:\.\d+)?\s?(?:million|m|bn|billion|k)\b|\bpounds\b", re.I)
_TIME_UNITS = {"week", "day", "month", "year", "hour", "minut"}
_SHARE_WORDS = re.compile(r"\b(?:half|a third|two thirds|a quarter|three quarters|a fifth|majority|minority)\b", re.I)
_A_SPAN = re.compile(r"\b(?:a|one|several|many) (?:year|month|week|day)s?\b", re.I)
_SAME_THING = {"kid": "children", "child": "children", "temp": "agenc", "youngster": "young"}


def asked_unit(question: str) -> str | None:
    """What a figure question counts: '%' for shares, 'time' for durations, else the counted noun's stem.

    asked_unit("How many young carers were waiting?") -> "carer"; asked_unit("What percentage of ...") -> "%"
    """
    if _DURATION.search(question):
        return "time"
    if _MONEY.search(question):
        return "£"
    if _SHARE.search(question):
        return "%"
    m = _HOW_MANY.search(question)
    if m:
        return stem(m.group(1).split()[-1].strip("'’"))
    return None


def figure_fits(sentence: str, unit: str | None) -> bool:
    """True when `sentence` gives a figure of the kind asked: a share, a duration, or a count of the noun."""
    found = figures(sentence)
    if unit == "%":
        return (any(v.endswith("%") or " in " in v or " out of " in v for v, *_ in found)
                or bool(_SHARE_WORDS.search(sentence)))
    if unit == "£":
        return bool(_MONEY_FIGURE.search(sentence))
    if unit == "time":
        return any(u[:5] in _TIME_UNITS or u in _TIME_UNITS for _, u, *_ in found) or bool(_A_SPAN.search(sentence))
    if not found or unit is None:
        return bool(found)
    words = {stem(t) for t in tokens(sentence)}
    return any(u == unit for _, u, *_ in found) or _SAME_THING.get(unit, unit) in words or unit in words
