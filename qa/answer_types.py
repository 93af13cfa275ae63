"""What kind of answer a question wants, and whether a sentence could be one.

A question asking for a figure needs a sentence with a figure; one asking for a name needs a
name; one quoting words needs those words. When no close sentence qualifies, the letters do not
answer it, however near their topic.
"""

from __future__ import annotations

import re

from ingest.quotes import holds_quote, quotations

_QUANTITY = re.compile(
    r"^\s*(?:how (?:much|many|often|long)\b|what (?:percentage|proportion|share|number|rate|amount)\b|"
    r"what (?:is|was|were|are) (?:the )?[\w\s'’-]*\b(?:rate|number|percentage|proportion|budget|cost|spend|"
    r"spending|figure|total)\b)",
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
_NAME_QUESTION = re.compile(r"\bwhat (?:is|was|were|are) the names? of\b|^\s*who (?:is|was|were|are) the\b|\bname the\b", re.I)
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


def has_name(sentence: str, question: str) -> bool:
    """True when a sentence holds a capitalised name that the question does not already give."""
    asked = question.lower()
    return any(m.group().lower() not in asked for m in _NAME.finditer(sentence)) or bool(quotations(sentence))


def quoted_phrases(question: str) -> list[str]:
    """Words a question puts in quotation marks, which an answer must contain: "what is 'through their eyes'?"."""
    return quotations(question, straight_single=True)


def mentions(text: str, phrase: str) -> bool:
    """True when `text` holds `phrase`, case, punctuation and quote style aside."""
    return holds_quote(phrase, text)
