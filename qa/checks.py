"""Small, separately tested comparisons of a claim with an evidence sentence.

Each returns None when it finds no conflict, else a one-line reason a person can check.
"""

from __future__ import annotations

import difflib
import re

from qa.text import tokens

# Figures: digits (not years, which check_dates compares) and shares like "one in five".
_NUMBER = re.compile(
    r"\b(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)?%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\s+in\s+"
    r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\b",
    re.I,
)

# Quantifiers by how much of a group they speak of.
_QUANTIFIERS = [
    ("none", r"\bnone\b|\bno\b(?= \w+s\b)|\bnot any\b|\bnever\b"),
    ("few", r"\b(?:a )?few\b|\ba small number\b|\bhardly any\b|\brarely\b|\bminority\b"),
    ("some", r"\bsome\b|\bseveral\b|\bat times\b|\bsometimes\b|\bin places\b"),
    ("many", r"\bmany\b|\btoo many\b|\ba large number\b|\boften\b"),
    ("most", r"\bmost\b|\b(?:vast |large )?majority\b|\balmost all\b|\bnearly all\b|\bmostly\b|\busually\b|\bgenerally\b"),
    ("all", r"\ball\b(?! of the time)|\bevery\b|\beach\b|\balways\b"),
]
_ABSOLUTE = {"all", "none"}

# Words and their opposites, as the letters use them.
_OPPOSITES = [
    ("above", "below"), ("higher", "lower"), ("increase", "decrease"), ("increased", "decreased"),
    ("increasing", "decreasing"), ("improving", "declining"), ("improved", "declined"), ("improved", "deteriorated"),
    ("improving", "deteriorating"), ("strong", "weak"), ("strength", "weakness"), ("strengths", "weaknesses"),
    ("good", "poor"), ("effective", "ineffective"), ("consistent", "inconsistent"), ("timely", "delayed"),
    ("better", "worse"), ("more", "fewer"), ("rising", "falling"), ("reduced", "increased"), ("safe", "unsafe"),
    ("appropriate", "inappropriate"), ("sufficient", "insufficient"), ("adequate", "inadequate"),
    ("well", "poorly"), ("positive", "negative"), ("praised", "criticised"), ("stable", "unstable"),
]
_NEGATION = re.compile(r"\b(?:not|no|never|nor|n't|cannot|lack|lacks|absence|without|fail|fails|failed|yet to)\b", re.I)

GRADES = ("outstanding", "good", "requires improvement", "inadequate")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def numbers(text: str) -> set[str]:
    """Numbers in `text`, normalised: 'at 63%, one in five' -> {'63%', 'one in five'}."""
    text = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", text)  # a numbered paragraph's number
    return {m.group().lower().replace(",", "") for m in _NUMBER.finditer(text)}


def check_numbers(claim: str, evidence: str) -> str | None:
    """A number the claim states that the evidence gives differently."""
    wanted, given = numbers(claim), numbers(evidence)
    missing = sorted(wanted - given)
    if missing and given:
        return f"the claim says {', '.join(missing)}; the letter says {', '.join(sorted(given))}"
    return None


def quantifier(text: str) -> str | None:
    """The strongest quantifier `text` opens with or uses: 'Most children ...' -> 'most'."""
    lowered = text.lower()
    found = [(m.start(), name) for name, pattern in _QUANTIFIERS for m in re.finditer(pattern, lowered)]
    return min(found)[1] if found else None


def check_quantifier(claim: str, evidence: str) -> str | None:
    """A claim of all/none where the letter says most/some/few (or the other way round)."""
    a, b = quantifier(claim), quantifier(evidence)
    if a and b and a != b and (a in _ABSOLUTE or b in _ABSOLUTE or {a, b} in ({"most", "few"}, {"most", "some"}, {"many", "few"})):
        return f"the claim says '{a}'; the letter says '{b}'"
    return None


def check_polarity(claim: str, evidence: str) -> str | None:
    """A direction word in the claim whose opposite the letter uses instead (above/below, improving/declining)."""
    c, e = set(tokens(claim)), set(tokens(evidence))
    for x, y in _OPPOSITES:
        for said, other in ((x, y), (y, x)):
            if said in c and other in e and said not in e:
                return f"the claim says '{said}'; the letter says '{other}'"
    return None


def check_negation(claim: str, evidence: str) -> str | None:
    """The letter negates what the claim asserts, or the other way round, over shared words."""
    claim_neg = bool(_NEGATION.search(claim))
    evidence_neg = bool(_NEGATION.search(evidence))
    if claim_neg != evidence_neg and _overlap(claim, evidence) >= 0.6:
        which = "denies" if evidence_neg else "asserts"
        return f"the letter {which} what the claim {'asserts' if evidence_neg else 'denies'}"
    return None


def grade(text: str) -> str | None:
    """The Ofsted grade named in `text`, if any."""
    lowered = text.lower()
    for g in GRADES:
        if re.search(r"\b" + g + r"\b", lowered):
            return g
    return None


def check_grade(claim: str, evidence: str) -> str | None:
    a, b = grade(claim), grade(evidence)
    if a and b and a != b:
        return f"the claim says '{a}'; the letter says '{b}'"
    return None


_MONTH_YEAR = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<month>January|February|March|April|May|June|July|August|"
    r"September|October|November|December)(?:\s+(?P<year>(?:19|20)\d\d))?\b|\b(?P<lone>(?:19|20)\d\d)\b"
)
_PERSON = re.compile(r"\b(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_TITLE_WORDS = {"His", "Her", "The", "Inspector", "Inspectors", "Majesty", "Council", "Children"}
_NOT_NAMES = {"His Majesty", "Her Majesty", "Majesty’s Inspector", "Christchurch", "Children", "Department",
              "Ofsted", "The", "This", "Inspectors", "Senior", "Social"}


def dates(text: str) -> set[str]:
    """Dates named in `text`, at the precision given: '4 October 2022' -> {'2022-10-04'}, 'June 2022' -> {'2022-06'}, '2019' -> {'2019'}."""
    found = set()
    for m in _MONTH_YEAR.finditer(text):
        if m.group("lone"):
            found.add(m.group("lone"))
        elif m.group("year"):
            month = MONTHS.index(m.group("month")) + 1
            found.add(f"{m.group('year')}-{month:02d}" + (f"-{int(m.group('day')):02d}" if m.group("day") else ""))
    return found


def check_dates(claim: str, evidence: str) -> str | None:
    """A date the claim gives that the evidence gives differently (compared at the coarser precision)."""
    wanted, given = dates(claim), dates(evidence)
    if not wanted or not given:
        return None
    for w in sorted(wanted):
        if not any(g.startswith(w) or w.startswith(g) for g in given):
            return f"the claim says {_say_date(w)}; the letter says {', '.join(_say_date(g) for g in sorted(given))}"
    return None


def _say_date(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{int(parts[2])} {month} {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def names(text: str) -> set[str]:
    """People's names: runs of two or three capitalised words, 'Steve Lowe' (not at the start of a sentence)."""
    found = set()
    for m in _PERSON.finditer(text):
        words = m.group().split()
        while words and words[-1] in _TITLE_WORDS:
            words.pop()
        if m.start() == 0 or len(words) < 2 or words[0] in _NOT_NAMES or any(w in MONTHS for w in words):
            continue
        found.add(" ".join(words))
    return found


def check_names(claim: str, evidence: str) -> str | None:
    """A person the claim names where the letter names someone else."""
    wanted, given = names(claim), names(evidence)
    extra, other = wanted - given, given - wanted
    if extra and other:
        return f"the claim names {', '.join(sorted(extra))}; the letter names {', '.join(sorted(other))}"
    return None


_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\b", re.I)


def check_ordinals(claim: str, evidence: str) -> str | None:
    """'the first monitoring visit' where the letter says 'the second monitoring visit'."""
    a = [m.group(1).lower() for m in _ORDINAL.finditer(claim)]
    b = [m.group(1).lower() for m in _ORDINAL.finditer(evidence)]
    if a and b and not set(a) & set(b):
        return f"the claim says '{a[0]}'; the letter says '{b[0]}'"
    return None


def normalise_quote(text: str) -> str:
    """Case, whitespace, quote marks and dashes made uniform, for comparing quotations."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = text.replace("–", "-").replace("—", "-")
    return " ".join(re.sub(r"[^\w%'\- ]+", " ", text).split())


def find_verbatim(quote: str, text: str) -> bool:
    """True when `quote` stands in `text`, ignoring case, whitespace, punctuation, and '...' for omitted words."""
    parts = [normalise_quote(p) for p in re.split(r"\.\.\.|…", quote)]
    haystack = normalise_quote(text)
    position = 0
    for part in parts:
        if not part:
            continue
        found = haystack.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def word_diff(quote: str, source: str) -> list[dict]:
    """Word-level differences turning `source` into `quote`: [{'op': 'changed', 'letter': 'most', 'quote': 'all'}, ...]."""
    a, b = normalise_quote(source).split(), normalise_quote(quote).split()
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
    q = normalise_quote(quote).split()
    s_words = sentence.split()
    s = [normalise_quote(w) for w in s_words]
    if not q or not s:
        return 0.0, ""
    blocks = [b for b in difflib.SequenceMatcher(None, s, q, autojunk=False).get_matching_blocks() if b.size]
    if not blocks or max(b.size for b in blocks) < 3:
        return 0.0, ""  # scattered common words are no match
    matched = sum(b.size for b in blocks)
    start = blocks[0].a
    if blocks[0].b > 0:  # the quotation opens with words of its own: take the letter's words they replace
        start = max(0, start - max(blocks[0].b, 4))
    window = " ".join(s_words[start: blocks[-1].a + blocks[-1].size])
    return matched / len(q), window


def _overlap(a: str, b: str) -> float:
    x, y = set(tokens(a)), set(tokens(b))
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


# Every way a claim can differ from the sentence it is set against, in the order verdicts name them.
ALL_CHECKS = (check_numbers, check_dates, check_ordinals, check_grade, check_names, check_quantifier,
              check_polarity, check_negation)
