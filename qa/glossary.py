"""Children's-services terms the letters abbreviate or say in several ways."""

from __future__ import annotations

import re

# Abbreviation -> expansions. The index adds every definition it finds in the letters themselves.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "PA": ("personal adviser", "personal advisor"),
    "MASH": ("multi-agency safeguarding hub", "front door"),
    "CIN": ("children in need", "child in need"),
    "CP": ("child protection",),
    "CPP": ("child protection plan",),
    "PLO": ("public law outline", "pre-proceedings"),
    "IRO": ("independent reviewing officer",),
    "UASC": ("unaccompanied asylum-seeking children", "unaccompanied asylum-seeking young people"),
    "PLR": ("practice learning review",),
    "DCS": ("director of children's services",),
    "LAC": ("looked after children",),
    "CLA": ("children looked after",),
    "CIC": ("children in care",),
    "CICC": ("children in care council",),
    "SEND": ("special educational needs and disabilities", "special educational needs"),
    "EHCP": ("education, health and care plan",),
    "EHC": ("education, health and care",),
    "CAMHS": ("child and adolescent mental health services",),
    "YOT": ("youth offending team", "youth justice service"),
    "YJS": ("youth justice service", "youth offending"),
    "LSCP": ("local safeguarding children partnership",),
    "LADO": ("local authority designated officer",),
    "EDT": ("emergency duty team", "out-of-hours"),
    "CSE": ("child sexual exploitation",),
    "CCE": ("child criminal exploitation",),
    "EHA": ("early help assessment",),
    "ICB": ("integrated care board",),
    "JTAI": ("joint targeted area inspection",),
    "ILACS": ("inspection of local authority children's services",),
    "SIF": ("single inspection framework",),
    "NEET": ("not in education, employment or training",),
    "SGO": ("special guardianship order",),
    "QA": ("quality assurance",),
    "DFE": ("department for education",),
    "NICU": ("neonatal intensive care",),
    "AP": ("alternative provision",),
}

# Phrases that mean the same in these letters (each maps to alternatives worth searching too).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "front door": ("multi-agency safeguarding hub", "MASH", "contacts and referrals"),
    "care leavers": ("care-experienced young people", "care experienced"),
    "care-experienced": ("care leavers",),
    "out-of-hours": ("emergency duty team",),
    "youth offending": ("youth justice",),
    "caseloads": ("workloads",),
    "caseload": ("workload",),
    "edge of care": ("at risk of coming into care",),
    "special needs": ("special educational needs",),
    "agency social workers": ("agency staff", "temporary workforce"),
    "leaving care": ("care leavers",),
    "grade": ("judgement", "overall effectiveness"),
    "leadership": ("leaders", "impact of leaders"),
    "homeless": ("homelessness",),
    "rated": ("judged", "judgement"),
}


def expansions(question: str, learned: dict[str, set[str]] | None = None) -> list[str]:
    """Phrases to search alongside `question`: expansions of its abbreviations and its synonyms.

    'What about PA caseloads?' -> ['personal adviser', 'personal advisor', 'workloads']
    """
    found: list[str] = []
    table: dict[str, set[str]] = {k: set(v) for k, v in ABBREVIATIONS.items()}
    for abbr, values in (learned or {}).items():
        table.setdefault(abbr.upper(), set()).update(values)
    for word in re.findall(r"\b[A-Za-z]{2,6}s?\b", question):
        key = word.upper()
        if key not in table and key.endswith("S"):
            key = key[:-1]
        if key in table and (word.isupper() or word[:-1].isupper() or len(word) > 3):
            found += sorted(table[key])
    lowered = question.lower()
    for abbr, values in table.items():
        for value in values:
            if len(value) > 4 and value.lower() in lowered and abbr not in found:
                found.append(abbr)
    for phrase, alternatives in SYNONYMS.items():
        if re.search(r"\b" + re.escape(phrase) + r"\b", lowered):
            found += list(alternatives)
    first: dict[str, str] = {}  # each term once, however it is cased, as it first came
    for f in found:
        first.setdefault(f.lower(), f)
    return list(first.values())
