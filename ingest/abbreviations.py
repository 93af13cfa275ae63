"""Abbreviations that a document defines for itself: 'personal adviser (PA)' teaches PA."""

from __future__ import annotations

import re

# "... words (ABBR)" or "... words (ABBRs)"; the words before are matched to the letters.
_DEFINITION = re.compile(r"((?:[\w’'-]+\s+){1,8})\(([A-Z][A-Za-z&]{1,7}?)(s?)\)")
_SMALL_WORDS = {"and", "of", "the", "for", "to", "in", "on", "with", "or", "&", "a"}


def find_abbreviations(text: str) -> list[tuple[str, str]]:
    """(abbreviation, expansion) pairs defined in `text`, each once, in order of first use.

    'a personal adviser (PA) and ...' -> [('PA', 'personal adviser')]
    """
    found: dict[tuple[str, str], None] = {}
    for m in _DEFINITION.finditer(text):
        abbr = m.group(2)
        if sum(ch.isupper() for ch in abbr) < 2:
            continue
        words = m.group(1).split()
        expansion = _match_initials(words, abbr)
        if expansion:
            found[(abbr, expansion)] = None
    return list(found)


def _match_initials(words: list[str], abbr: str) -> str | None:
    """The shortest tail of `words` whose initials spell `abbr` (small words may be skipped)."""
    letters = [ch.lower() for ch in abbr if ch.isalpha()]
    for n in range(1, len(words) + 1):
        tail = words[-n:]
        if tail[0].lower() in _SMALL_WORDS:
            continue
        if _spells(tail, letters):
            return " ".join(w.strip("’'") for w in tail)
    return None


def _spells(words: list[str], letters: list[str]) -> bool:
    """True when the words' initials (small words optional, hyphen parts allowed) give `letters`."""
    def walk(i: int, j: int) -> bool:
        if j == len(letters):
            return i == len(words) or all(w.lower() in _SMALL_WORDS for w in words[i:])
        if i == len(words):
            return False
        word = words[i].lower()
        parts = [p for p in re.split(r"[-’']", word) if p]
        # each hyphenated part may contribute its initial, or the word just its first letter
        options = {1: word[:1]}
        if len(parts) > 1:
            options[len(parts)] = "".join(p[0] for p in parts)
        for width, initials in options.items():
            if "".join(letters[j:j + width]) == initials and walk(i + 1, j + width):
                return True
        if word in _SMALL_WORDS and walk(i + 1, j):
            return True
        return False

    return walk(0, 0)
