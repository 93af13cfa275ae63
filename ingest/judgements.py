"""Graded judgements from an inspection report's grade table, each kept as the row that states it."""

from __future__ import annotations

import re

from ingest.clean import paragraphs
from ingest.models import Judgement
from ingest.sentences import split_sentences

# The four grades, best first, as reports name them; GRADES adds the shorter form some write.
GRADE_NAMES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Requires improvement", "Inadequate")
_GRADE = "|".join(re.escape(g) for g in GRADES)
# "The experiences and progress of care leavers Inadequate", "2.1 Adoption performance Good"
_ROW = re.compile(rf"^(?:\d+(?:\.\d+)?\.?\s+)?(?P<area>[A-Z][^.:;!?]{{4,160}}?)\s+(?P<grade>{_GRADE})$")
# SIF reports open with "Children’s services in Coventry require improvement to be good"
_SIF_OVERALL = re.compile(
    r"^Children[’']s services in .{2,80}? (?:are|is|require|requires) "
    r"(?P<grade>outstanding|good|inadequate|improvement to be good)$|"
    # "The overall judgement is requires improvement.", "The overall judgement is that children’s services are good"
    r"^The overall judgement is (?:that children[’']s services (?:are|is|require|requires) )?"
    r"(?P<judged>outstanding|good|inadequate|requires? improvement(?: to be good)?)\.?$",
    re.I,
)
_TABLE_REACH = 40  # grade tables stand among the first paragraphs of a report

# An area SEND report's outcome: its kind, by the words of the framework's three outcome sentences.
OUTCOMES = ("Positive experiences and outcomes", "Inconsistent experiences and outcomes", "Significant concerns")
_OUTCOME_KINDS = (
    ("Significant concerns", re.compile(r"\bwidespread and/or systemic failings\b|\bsignificant concerns about the "
                                        r"experiences and outcomes\b", re.I)),
    ("Inconsistent experiences and outcomes", re.compile(r"\binconsistent experiences and outcomes\b", re.I)),
    ("Positive experiences and outcomes", re.compile(r"\bpositive experiences and outcomes\b", re.I)),
)
_OUTCOME_HEADING = re.compile(r"^Inspection outcome\s*$", re.M)
_OUTCOME_REACH = 4000  # the outcome follows the report's title and dates


def find_judgements(cleaned: str) -> tuple[Judgement, ...]:
    """The grade table's rows: area, grade and the row's text as it stands in `cleaned`.

    'Overall effectiveness Inadequate'
        -> Judgement('Overall effectiveness', 'Inadequate', 'Overall effectiveness Inadequate')
    """
    found: list[Judgement] = []
    for start, end in paragraphs(cleaned)[:_TABLE_REACH]:
        row = cleaned[start:end]
        m = _ROW.match(row)
        if m and _is_area(m.group("area")):
            found.append(Judgement(area=m.group("area").strip(), grade=_grade(m.group("grade")), text=row))
            continue
        overall = _SIF_OVERALL.match(row)
        if overall:
            grade = overall.group("grade") or overall.group("judged")
            found.append(Judgement(area="Overall effectiveness", grade=_grade(grade), text=row))
    return tuple(found)


def find_outcome(cleaned: str) -> Judgement | None:
    """An area SEND report's outcome: the first sentence under "Inspection outcome" (or, without the heading,
    near the top) that states one of the framework's outcomes, with its kind as the grade.

    'Inspection outcome\n\nThe local area partnership’s arrangements lead to inconsistent experiences and outcomes
    for children ...' -> Judgement('Inspection outcome', 'Inconsistent experiences and outcomes', 'The local ...')
    """
    heading = _OUTCOME_HEADING.search(cleaned[:_OUTCOME_REACH])
    start = heading.end() if heading else 0
    reach = cleaned[: start + _OUTCOME_REACH]
    for a, b in split_sentences(reach[start:]):
        sentence = reach[start + a : start + b]
        for kind, pattern in _OUTCOME_KINDS:
            if pattern.search(sentence):
                return Judgement(area="Inspection outcome", grade=kind, text=sentence)
    return None


def _grade(word: str) -> str:
    word = word.strip()
    if word.lower() in ("improvement to be good", "requires improvement", "require improvement",
                        "requires improvement to be good", "require improvement to be good"):
        return "Requires improvement to be good"
    return word[0].upper() + word[1:].lower()


def _is_area(area: str) -> bool:
    """Grade-table areas are short phrases about leaders, help and protection, care, or overall effectiveness."""
    lowered = area.lower()
    return len(area.split()) <= 16 and any(
        key in lowered
        for key in ("overall effectiveness", "leaders", "leadership", "help and protection", "children in care",
                    "care leavers", "children looked after", "adoption", "permanence", "experiences and progress")
    )


# A grade named in running text: "was judged to require improvement", "rated good", "inadequate".
_GRADE_WORDS = [
    ("Requires improvement to be good", re.compile(r"\b(?:requires?|required|requiring)\s+improvement"
                                                  r"(?:\s+to\s+be\s+good)?\b|\b(?-i:RI)\b", re.I)),
    ("Outstanding", re.compile(r"\boutstanding\b", re.I)),
    ("Inadequate", re.compile(r"\binadequate\b", re.I)),
    ("Good", re.compile(r"\bgood\b", re.I)),
]


def grade_mentions(text: str) -> list[tuple[int, str]]:
    """(position, grade) of each grade `text` names, in order, 'requires improvement to be good' read as one.

    grade_mentions("rated good, up from inadequate") -> [(6, "Good"), (20, "Inadequate")]
    """
    found: list[tuple[int, int, str]] = []
    for name, pattern in _GRADE_WORDS:
        for m in pattern.finditer(text or ""):
            if not any(a <= m.start() < b for a, b, _ in found):
                found.append((m.start(), m.end(), name))
    return [(a, name) for a, _, name in sorted(found)]


def grades_in(text: str) -> list[str]:
    """Grades `text` names, in the order they stand.

    grades_in("rated requires improvement to be good, up from inadequate")
        -> ["Requires improvement to be good", "Inadequate"]
    """
    return [name for _, name in grade_mentions(text)]
