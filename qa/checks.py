"""Small, separately tested comparisons of a claim with an evidence sentence.

Each returns None when it finds no conflict, else a one-line reason naming the differing words
on both sides. A check speaks only where both sentences talk about the same thing (the same
unit of a figure, the same noun after a quantifier, the same word negated): a difference it
cannot tie to one subject is no conflict.
"""

from __future__ import annotations

import difflib
import re

from ingest.dates import MONTH_NAMES, ORDINAL_RE, dates_in, ordinal_number, say_date
from ingest.judgements import grades_in
from ingest.quotes import fold
from qa.text import STOPWORDS, stem, tokens

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}
_NUMBER = re.compile(
    r"(?P<frac>\b(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:in|out of)\s+"
    r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\b)"
    r"|(?P<num>(?<![\w.£$-])\d+(?:,\d{3})*(?:\.\d+)?(?![\d/]))(?P<pct>\s?(?:%|per\s?cent|percent))?"
    r"|(?P<word>\b(?:" + "|".join(WORD_NUMBERS) + r")\b)(?![-\s](?:in|out of)\b)",
    re.I,
)
_APPROX = re.compile(r"\b(?:over|more than|at least|nearly|almost|around|about|approximately|up to|fewer than|"
                     r"less than|under|some|roughly|just over|just under|in excess of|above|below)\s*$", re.I)
_PARAGRAPH_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")

# Quantifiers by how much of a group they speak of.
_QUANTIFIERS = [
    ("none", r"\bnone of\b|\bno\b(?= (?!longer|more|doubt|later|less)\w+)|\bnot any\b"),
    ("few", r"\b(?:a )?few\b|\ba small (?:number|minority)\b|\bhardly any\b|\bminority\b"),
    ("some", r"\bsome\b|\bseveral\b"),
    ("many", r"\bmany\b|\ba large number\b"),
    ("most", r"\bmost\b|\b(?:vast |large )?majority\b|\balmost all\b|\bnearly all\b"),
    ("all", r"\ball\b(?! of the time| too| aspects)|\bevery\b"),
]
_ABSOLUTE = {"all", "none"}

# Words and their opposites, as the letters use them.
_OPPOSITES = [
    ("above", "below"), ("higher", "lower"), ("increase", "decrease"), ("increased", "decreased"),
    ("increasing", "decreasing"), ("improving", "declining"), ("improved", "declined"), ("improved", "deteriorated"),
    ("improving", "deteriorating"), ("strong", "weak"), ("strengths", "weaknesses"), ("effective", "ineffective"),
    ("consistent", "inconsistent"), ("better", "worse"), ("rising", "falling"), ("reduced", "increased"),
    ("safe", "unsafe"), ("appropriate", "inappropriate"), ("sufficient", "insufficient"), ("adequate", "inadequate"),
    ("praised", "criticised"), ("stable", "unstable"), ("good", "poor"), ("timely", "delayed"),
    ("highest", "lowest"), ("high", "low"), ("rise", "reduction"), ("rise", "fall"), ("rises", "falls"),
    ("increase", "reduction"), ("increased", "reduced"), ("more", "less"), ("better", "less"), ("double", "half"),
    ("double", "triple"), ("improvement", "deterioration"), ("strengthened", "weakened"), ("quicker", "slower"),
    ("faster", "slower"), ("earlier", "later"), ("strong", "poor"), ("well", "poorly"),
]
_NEGATORS = {"not", "no", "never", "nor", "cannot", "can't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't",
             "weren't", "hasn't", "haven't", "won't", "lack", "lacks", "lacking", "without", "fail", "fails", "failed",
             "outside", "absence", "absent", "neither"}
_PERSON_ROLE = re.compile(r"\b(?:(?i:inspectors?|director|chief executive|lead member)|DCS|Mr|Mrs|Ms|Dr|Dear)\b")
_PERSON = re.compile(r"\b(?:[A-Z][a-z’']+(?:-[A-Z][a-z]+)?\s){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_NOT_NAMES = {"His", "Her", "The", "This", "Majesty", "Majesty’s", "Inspector", "Inspectors", "Council", "Children",
              "Department", "Ofsted", "Senior", "Social", "Services", "Trust", "Borough", "County", "City"}


def figures(text: str) -> list[tuple[str, str, str, str]]:
    """(value, unit, qualifier, unit word) of each figure.

    'over 60% of children, 12 carers' -> [('60%', '%', 'over', ''), ('12', 'carer', '', 'carers')]

    Years, dates' days and a numbered paragraph's number are not figures; number words count.
    """
    text = _PARAGRAPH_NUMBER.sub("", text)
    days = {m.start() for m in re.finditer(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:and|to|-|–)?\s*(?:\d{1,2}\s+)?(?:"
                                            + "|".join(MONTH_NAMES) + r")", text)}
    out = []
    for m in _NUMBER.finditer(text):
        if m.start() in days:
            continue
        if m.group("frac"):
            value = " ".join(m.group("frac").lower().split())
        elif m.group("num"):
            raw = m.group("num").replace(",", "")
            if re.fullmatch(r"(?:19|20)\d\d", raw) and not m.group("pct"):
                continue  # a year: dates are compared by check_dates
            value = raw + ("%" if m.group("pct") else "")
        else:
            value = str(WORD_NUMBERS[m.group("word").lower()])
        unit, word = ("%", "") if value.endswith("%") else _unit(text[m.end():])
        qualifier = _APPROX.search(text[max(0, m.start() - 20):m.start()])
        out.append((value, unit, qualifier.group().strip().lower() if qualifier else "", word))
    return out


def numbers(text: str) -> set[str]:
    """The figures' values: 'at 63%, one in five' -> {'63%', 'one in five'}."""
    return {f[0] for f in figures(text)}


def _unit(after: str) -> tuple[str, str]:
    """The thing a figure counts, stemmed and as written: the first content word after it."""
    for t in tokens(after)[:4]:
        if t in ("per", "cent", "percent") or t in STOPWORDS or t.isdigit():
            continue
        return stem(t), t
    return "", ""


def check_numbers(claim: str, evidence: str) -> str | None:
    """A figure the claim gives for a thing the letter counts differently ('12 children' / '21 children')."""
    given = figures(evidence)
    values = {f[0] for f in given}
    for value, unit, qualifier, word in figures(claim):
        if value in values or not unit:
            continue
        same = [(v, w) for v, u, _, w in given if u == unit]
        if not same:
            continue
        if qualifier and any(_within(qualifier, value, v) for v, _ in same):
            continue
        said = ", ".join(dict.fromkeys(f"{v} {w}".strip() for v, w in same))
        claimed = f"the claim says {f'{qualifier} ' if qualifier else ''}{value} {word}".rstrip()
        return claimed + f"; the letter says {said}"
    return None


def _within(qualifier: str, claimed: str, given: str) -> bool:
    """True when the letter's figure fits an approximate claim: 'over 60%' and '63%'."""
    try:
        a, b = float(claimed.rstrip("%")), float(given.rstrip("%"))
    except ValueError:
        return True  # "one in five": no arithmetic, no accusation
    if qualifier in ("over", "more than", "at least", "just over", "in excess of", "above"):
        return b >= a
    if qualifier in ("fewer than", "less than", "under", "up to", "just under", "below"):
        return b <= a
    return abs(a - b) <= max(1.0, 0.1 * a)


def quantifier(text: str) -> str | None:
    """The first quantifier `text` uses: 'Most children ...' -> 'most'."""
    found = _quantified(text)
    return found[0][1] if found else None


def _quantified(text: str) -> list[tuple[int, str, set[str]]]:
    """(position, quantifier, stems of the next few content words) for each quantifier in `text`."""
    lowered = text.lower()
    found = []
    for name, pattern in _QUANTIFIERS:
        for m in re.finditer(pattern, lowered):
            head = {stem(t) for t in tokens(lowered[m.end():])[:6] if t not in STOPWORDS and len(t) > 2}
            found.append((m.start(), name, head))
    return sorted(found)


def check_quantifier(claim: str, evidence: str) -> str | None:
    """'all assessments' where the letter says 'the vast majority of assessments' (the same noun quantified)."""
    for _, a, head_a in _quantified(claim):
        for _, b, head_b in _quantified(evidence):
            if a == b or not head_a & head_b:
                continue
            if a in _ABSOLUTE or b in _ABSOLUTE or {a, b} in ({"most", "few"}, {"many", "few"}):
                if not any(x == a and hx & head_a for _, x, hx in _quantified(evidence)):
                    return f"the claim says '{a}'; the letter says '{b}'"
    return None


def check_polarity(claim: str, evidence: str) -> str | None:
    """A direction word in the claim whose opposite the letter uses of the same thing.

    The pairs are opposites such as above/below and improving/declining.
    """
    c, e = tokens(claim), tokens(evidence)
    for x, y in _OPPOSITES:
        for said, other in ((x, y), (y, x)):
            if said in c and other in e and said not in e and other not in c and _context(c, said) & _context(e, other):
                return f"the claim says '{said}'; the letter says '{other}'"
    return None


def _context(words: list[str], word: str, reach: int = 4) -> set[str]:
    """Stems of the content words within `reach` of each place `word` stands."""
    out = set()
    for i, w in enumerate(words):
        if w == word:
            out |= {stem(t) for t in words[max(0, i - reach): i + reach + 1]
                    if t != word and t not in STOPWORDS and len(t) > 2}
    return out


def _is_negator(word: str) -> bool:
    return word in _NEGATORS or word.endswith("n't")


def _negated(words: list[str], reach: int = 3) -> set[str]:
    """Stems of content words within `reach` words after a negator: 'are not seen regularly' -> {'seen', 'regular'}."""
    out = set()
    for i, w in enumerate(words):
        if w in _NEGATORS or w.endswith("n't"):
            out |= {stem(t) for t in words[i + 1: i + 1 + reach] if t not in STOPWORDS and len(t) > 2}
    return out


def check_negation(claim: str, evidence: str) -> str | None:
    """The letter negates a word the claim asserts, or the other way round ('are seen' / 'are not seen').

    A word counts as negated on one side only when a negator stands just before it (three words),
    and as asserted on the other only when no negator stands anywhere near it (six words).
    """
    c, e = tokens(claim), tokens(evidence)
    if _overlap(claim, evidence) < 0.5:
        return None
    if sum(_is_negator(t) for t in c) == sum(_is_negator(t) for t in e):
        return None  # as many denials on each side: worded differently, not the opposite
    c_all, e_all = {stem(t) for t in c}, {stem(t) for t in e}
    for word in sorted(_negated(e) - _negated(c, 6)):
        if word in c_all:
            return f"the letter says it is not so ('{_phrase(e, word)}'); the claim says it is"
    for word in sorted(_negated(c) - _negated(e, 6)):
        if word in e_all:
            return f"the claim says it is not so ('{_phrase(c, word)}'); the letter says it is"
    return None


def _phrase(words: list[str], stemmed: str) -> str:
    for i, w in enumerate(words):
        if stem(w) == stemmed:
            return " ".join(words[max(0, i - 3): i + 1])
    return stemmed


def grade(text: str) -> str | None:
    """The first Ofsted grade named in `text`, lower case.

    'judged to require improvement' -> 'requires improvement to be good'
    """
    found = grades_in(text)
    return found[0].lower() if found else None


def check_grade(claim: str, evidence: str) -> str | None:
    """A grade the claim gives where the letter's grade line gives another."""
    a, b = grades_in(claim), grades_in(evidence)
    if a and b and not set(a) & set(b):
        return f"the claim says '{a[0].lower()}'; the letter says '{b[0].lower()}'"
    return None


def dates(text: str) -> set[str]:
    """Dates named in `text`, at the precision given (see `ingest.dates.dates_in`)."""
    return dates_in(text)


def _same_date(a: str, b: str) -> bool:
    """True when two dates of any precision agree: '2022-10' and '2022-10-04'; '*-10-04' and '2022-10-04'."""
    pa, pb = a.split("-"), b.split("-")
    if "*" in (pa[0], pb[0]):
        return pa[1:] == pb[1:]
    return a.startswith(b) or b.startswith(a)


def _comparable(a: str, b: str) -> bool:
    """A date without its year compares only with full dates."""
    if a.startswith("*") or b.startswith("*"):
        return len(a.split("-")) == 3 and len(b.split("-")) == 3
    return True


def check_dates(claim: str, evidence: str) -> str | None:
    """A date the claim gives that the letter gives differently (compared at the coarser precision)."""
    wanted, given = dates(claim), dates(evidence)
    for w in sorted(wanted):
        comparable = [g for g in given if _comparable(w, g)]
        if comparable and not any(_same_date(w, g) for g in comparable):
            return f"the claim says {say_date(w)}; the letter says {', '.join(say_date(g) for g in sorted(given))}"
    return None


def names(text: str) -> set[str]:
    """People's names: runs of two or three capitalised words, 'Steve Lowe' (not at the start of a sentence)."""
    found = set()
    for m in _PERSON.finditer(text):
        words = m.group().split()
        while words and words[-1] in _NOT_NAMES:
            words.pop()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if m.start() == 0 or len(words) < 2 or any(w in MONTH_NAMES for w in words):
            continue
        found.add(" ".join(words))
    return found


def check_names(claim: str, evidence: str) -> str | None:
    """A person the claim names whom the letter, naming the people in that role (inspectors, director), does not."""
    if not (_PERSON_ROLE.search(claim) and _PERSON_ROLE.search(evidence)):
        return None
    wanted, given = names(claim), names(evidence)
    surnames = {n.split()[-1] for n in given}
    extra = {n for n in wanted - given if n.split()[-1] not in surnames}
    if extra and given:
        return f"the claim names {', '.join(sorted(extra))}; the letter names {', '.join(sorted(given))}"
    return None


def _ordinals(text: str) -> list[tuple[int, str, str]]:
    """(number, the word it counts, as written) for each ordinal.

    'the second monitoring visit' -> [(2, 'monitor', 'second monitoring')]
    """
    out = []
    for m in ORDINAL_RE.finditer(text):
        if re.match(r"\s+(?:of\s+)?(?:" + "|".join(MONTH_NAMES) + r")\b", text[m.end():]):
            continue  # a date's day: '2nd February'
        number = ordinal_number(m.group(1))
        after = [t for t in tokens(text[m.end():])[:3] if t not in STOPWORDS]
        if number and after:
            out.append((number, stem(after[0]), m.group(1).lower() + " " + after[0]))
    return out


def check_ordinals(claim: str, evidence: str) -> str | None:
    """'the first monitoring visit' where the letter says 'the second monitoring visit'."""
    a, b = _ordinals(claim), _ordinals(evidence)
    for number, noun, said in a:
        others = [(n, written) for n, w, written in b if w == noun]
        if others and number not in {n for n, _ in others}:
            return f"the claim says '{said}'; the letter says '{others[0][1]}'"
    return None


def word_diff(quote: str, source: str) -> list[dict]:
    """Word-level differences turning `source` into `quote`.

    [{'op': 'changed', 'letter': 'most', 'quote': 'all'}, ...]
    """
    a, b = fold(source).split(), fold(quote).split()
    diff = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        name = {"replace": "changed", "delete": "dropped", "insert": "added"}[op]
        diff.append({"op": name, "letter": " ".join(a[i1:i2]), "quote": " ".join(b[j1:j2])})
    return diff


def closest_window(quote: str, sentence: str) -> tuple[float, str]:
    """Share of the quotation's words that `sentence` holds in the same order (0..1), and that stretch.

    A quotation with words changed, dropped or added keeps most of its words in order.
    """
    q = fold(quote).split()
    s_words = sentence.split()
    s = [fold(w) for w in s_words]
    if not q or not s:
        return 0.0, ""
    # a hyphenated word folds to two: compare word for word on the folded stretch
    flat, owner = [], []
    for i, w in enumerate(s):
        for part in w.split():
            flat.append(part)
            owner.append(i)
    blocks = [b for b in difflib.SequenceMatcher(None, flat, q, autojunk=False).get_matching_blocks() if b.size]
    if not blocks or max(b.size for b in blocks) < min(3, len(q)):
        return 0.0, ""  # scattered common words are no match
    matched = sum(b.size for b in blocks)
    start = owner[blocks[0].a]
    if blocks[0].b > 0:  # the quotation opens with words of its own: take the letter's words they replace
        start = max(0, start - max(blocks[0].b, 4))
    end = owner[blocks[-1].a + blocks[-1].size - 1] + 1
    return matched / len(q), " ".join(s_words[start:end])


def _overlap(a: str, b: str) -> float:
    x = {t for t in tokens(a) if t not in STOPWORDS}
    y = {t for t in tokens(b) if t not in STOPWORDS}
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


# Every way a claim can differ from the sentence it is set against, in the order verdicts name them.
ALL_CHECKS = (check_numbers, check_dates, check_ordinals, check_grade, check_names, check_quantifier,
              check_polarity, check_negation)
