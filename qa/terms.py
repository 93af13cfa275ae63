"""The key terms of a question, each with the other ways the letters may say it."""

from __future__ import annotations

import math
import re

from qa.glossary import ABBREVIATIONS, SYNONYMS, expansions
from qa.text import content_terms, stem, stems, tokens

Group = tuple[str, ...]  # a term and its alternatives; a text covers the group if it uses any


def term_groups(question: str, learned: dict[str, set[str]] | None = None) -> list[Group]:
    """Key terms of `question`: glossary phrases kept whole, other content words one by one.

    'Are care leavers allocated a personal adviser?' -> [('care leavers', ...), ('allocated',), ('personal adviser', 'PA', ...)]
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


def group_weights(groups: list[Group], texts: list[str]) -> list[float]:
    """Rarer terms weigh more: smoothed inverse frequency among `texts`."""
    sets = [stems(t) for t in texts] or [set()]
    weights = []
    for group in groups:
        words = tokens(group[0])
        head = stem(words[-1]) if words else group[0]
        df = sum(1 for s in sets if head in s)
        weights.append(1.0 + math.log((len(sets) + 1) / (df + 1)))
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
        for form in group:
            words = tokens(form)
            if not words:
                continue
            if len(words) == 1:
                if form.isupper() and len(form) <= 6:
                    found = re.search(r"\b" + re.escape(form) + r"s?\b", text) is not None
                else:
                    found = stem(words[0]) in have
            else:
                found = _near(words, lowered)
            if found:
                hit += weight
                break
    return hit / total


def missing(groups: list[Group], text: str) -> list[str]:
    """The head terms of groups `text` does not mention."""
    return [g[0] for g in groups if covered([g], [1.0], text) == 0.0]


def _near(words: list[str], lowered: str) -> bool:
    """True when the phrase's words appear together (allowing hyphens and one word between)."""
    pattern = r"\b" + r"\w*\W+(?:\w+\W+)?".join(re.escape(w[:max(3, len(w) - 2)]) for w in words)
    return re.search(pattern, lowered) is not None
