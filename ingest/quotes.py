"""Quotation marks: what counts as a quotation in a claim or question, and how quoted words compare.

Letters, articles and people type quotation marks and dashes in several styles; comparing
words means folding them to one. Everything here is a pure function over strings.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MARKS = str.maketrans({"’": "'", "‘": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                        "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " "})

# A quotation: double quotes of either style, or curly single quotes (a straight apostrophe is
# too often a possessive to open one). At least three characters inside.
_DOUBLE = re.compile(r"[“\"]([^”\"“]{3,}?)[”\"]")
_SINGLE = re.compile(r"(?<!\w)‘([^’‘]{3,}?)’(?!\w)")
_STRAIGHT_SINGLE = re.compile(r"(?<![\w'])'([^'\n]{3,80}?)'(?![\w])")
ELLIPSIS = re.compile(r"\.\.\.|…|\[[^\]]{0,30}\]")  # omitted words, or words an editor put in brackets


def straighten(text: str) -> str:
    """Curly quote marks and dashes made straight: '“Good” – it’s' -> '"Good" - it's'."""
    return text.translate(_MARKS)


def fold(text: str) -> str:
    """Words for comparing quotations: lower case, one style of marks, hyphens as spaces, no punctuation.

    fold('“High-quality”  services, it’s said.') -> "high quality services it's said"
    """
    text = straighten(text).lower().replace("-", " ")
    return " ".join(re.sub(r"[^\w%' ]+", " ", text).replace(" '", " ").replace("' ", " ").split()).strip("'")


def quotations(text: str, min_words: int = 1, straight_single: bool = False) -> list[str]:
    """The words `text` puts in quotation marks, in order.

    quotations('Ofsted said services were “good” and ‘improving steadily’.') -> ['good', 'improving steadily']
    A quotation that opens in one sentence and closes in the next is one quotation.
    """
    found = []
    for pattern in (_DOUBLE, _SINGLE) + ((_STRAIGHT_SINGLE,) if straight_single else ()):
        for m in pattern.finditer(text):
            inner = m.group(1).strip()
            if len(inner.split()) >= min_words and any(ch.isalpha() for ch in inner):
                found.append((m.start(), inner))
    found += _unclosed(text)
    return [q for _, q in sorted(found)]


def _unclosed(text: str) -> list[tuple[int, str]]:
    """The part of a sentence inside a quotation that opens before it or closes after it, three words or more:
    '“The work is good.' -> ['The work is good']."""
    marks = [m for m in re.finditer(r"[“”\"]", text)]
    if len(marks) % 2 == 0:
        return []
    if marks[-1].group() in "“\"" and (marks[-1].group() == "“" or len(marks) == 1):
        inner, at = text[marks[-1].end():], marks[-1].start()
    elif marks[0].group() in "”\"":
        inner, at = text[:marks[0].start()], 0
    else:
        return []
    inner = inner.strip().rstrip(".,;:").strip()
    return [(at, inner)] if len(inner.split()) >= 3 else []


def open_quotation(text: str) -> bool:
    """True when `text` opens a double quotation it does not close: 'He said “the work is' -> True."""
    s = straighten(text)
    return s.count('"') % 2 == 1


@lru_cache(maxsize=1024)
def folded(text: str) -> str:
    """`fold(text)` padded with spaces, kept for texts searched again and again (whole letters)."""
    return f" {fold(text)} "


def holds_quote(quote: str, haystack: str) -> bool:
    """True when `quote` stands in `haystack`, case, marks, hyphens, punctuation and '…' for omitted words aside."""
    parts = [fold(p) for p in ELLIPSIS.split(quote)]
    padded = folded(haystack)
    position = 0
    for part in parts:
        if not part:
            continue
        found = padded.find(f" {part} ", position)
        if found < 0:
            return False
        position = found + len(part) + 1
    return any(parts)
