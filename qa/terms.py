"""The key terms of a question, each with the other ways the letters may say it."""

from __future__ import annotations

import math
import re

from qa.glossary import ABBREVIATIONS, SYNONYMS, expansions
from qa.text import STOPWORDS, content_terms, stem, stems, tokens

Group = tuple[str, ...]  # a term and its alternatives; a text covers the group if it uses any


def term_groups(question: str, learned: dict[str, set[str]] | None = None) -> list[Group]:
    """Key terms of `question`: glossary phrases kept whole, other content words one by one.

    'Are care leavers allocated a personal adviser?'
        -> [('care leavers', ...), ('allocated',), ('personal adviser', 'PA', ...)]
    """
    text = question
    groups: list[Group] = []
    for phrase in _phrases(learned):
        pattern = re.compile(r"\b" + re.escape(phrase) + r"\b", re.I)
        if pattern.search(text):
            groups.append((phrase,) + tuple(a for a in expansions(phrase, learned) if a.lower() != phrase))
            text = pattern.sub(" ", text)
    for term in dict.fromkeys(content_terms(text)):
        key = term.upper() if len(term) <= 5 else term
        groups.append((term,) + tuple(expansions(key, learned)))
    return groups


def _phrases(learned: dict[str, set[str]] | None) -> list[str]:
    """Multi-word phrases the glossary knows, longest first so the longest claims its words."""
    found = {p.lower() for p in SYNONYMS if " " in p}
    for values in list(ABBREVIATIONS.values()) + list((learned or {}).values()):
        found |= {v.lower() for v in values if " " in v}
    return sorted(found, key=lambda p: (-len(p), p))


def keyword_phrases(terms: tuple[str, ...], phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Terms and phrases as the keyword search takes them: letters, digits, apostrophes and hyphens only,
    each once: ('pa', 'caseloads'), ('personal adviser',) -> ('pa', 'caseloads', 'personal adviser')."""
    parts = []
    for t in list(terms) + list(phrases):
        cleaned = "".join(ch if ch.isalnum() or ch in "'-" else " " for ch in t.replace("’", "'"))
        cleaned = " ".join(cleaned.split())
        if cleaned:
            parts.append(cleaned)
    return tuple(dict.fromkeys(parts))


def group_weights(groups: list[Group], rows_matching, total: int) -> list[float]:
    """Rarer terms weigh more: inverse frequency across the index's chunks, of any form of the term.

    `rows_matching(phrases)` counts the chunks using any of the phrases.
    """
    weights = []
    for group in groups:
        df = rows_matching(keyword_phrases((), tuple(group)))
        weights.append(math.log((total + 1) / (df + 1)))
    return weights


def covered(groups: list[Group], weights: list[float], text: str) -> float:
    """Weighted share of term groups that `text` mentions in any of their forms."""
    if not groups:
        return 1.0
    have = stems(text)
    lowered = " ".join(text.lower().replace("’", "'").split())
    total = sum(weights) or 1.0
    hit = 0.0
    for group, weight in zip(groups, weights):
        if any(_uses(form, have, lowered, text) for form in group):
            hit += weight
    return hit / total


def _uses(form: str, have: set[str], lowered: str, text: str) -> bool:
    """True when a text (its stems `have`, lower-cased `lowered`) uses one form of a term.

    An abbreviation must stand as a word; a phrase or a hyphenated word may stand whole or as
    all of its words ("child exploitation team" in "the Awaken team ... child sexual exploitation").
    """
    words = tokens(form)
    if not words:
        return False
    if len(words) == 1 and form.isupper() and len(form) <= 6:
        return re.search(r"\b" + re.escape(form) + r"s?\b", text) is not None
    parts = [p for w in words for p in w.split("-") if p]
    if len(words) == 1 and len(parts) == 1:
        return stem(words[0]) in have
    return _near(words, lowered) or all(stem(p) in have for p in parts if p not in STOPWORDS)


def missing(groups: list[Group], text: str) -> list[str]:
    """The head terms of groups `text` does not mention."""
    return [g[0] for g in groups if covered([g], [1.0], text) == 0.0]


def _near(words: list[str], lowered: str) -> bool:
    """True when the phrase's words appear together (allowing hyphens and one word between)."""
    pattern = r"\b" + r"\w*\W+(?:\w+\W+)?".join(re.escape(w[:max(3, len(w) - 2)]) for w in words)
    return re.search(pattern, lowered) is not None
