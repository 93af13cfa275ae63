"""Who a document's own text names: the visit's inspectors and the person a letter is addressed to.

find_inspectors and find_recipient read the names, titles and job roles dropped; inspector_names
and press_recipient do the same for ingest.metadata on text it has already prepared. The text
helpers metadata shares (clean_text, flat_text, HEAD_CHARS, DEAR) live here too. Every function is
pure and returns () or None on odd input.
"""

from __future__ import annotations

import re

from ingest.authorities import find_authorities
from ingest.dates import FULL_DATE

# How far into a document its title, letter date, addressee and visit dates can be: letters
# put them after the Ofsted address block, so a couple of thousand characters is plenty.
HEAD_CHARS = 6000

_UP, _LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"  # letters with accents too: "Máire Atherton"
_NAME_TOKEN = (
    rf"(?:[{_UP}][{_LOW}]*(?:['-][{_UP}{_LOW}][{_LOW}]+)*|Ma?c[{_UP}][{_LOW}]+|O'[{_UP}][{_LOW}]+|[{_UP}]\.?)"
)
_NAME = re.compile(
    rf"^(?:{_NAME_TOKEN})(?:\s+(?:(?:de|da|van|von|der|le|la|du|di|al|bin|el)\s+)?{_NAME_TOKEN}){{1,3}}$"
)
# Words that can never be part of a person's name in these documents.
_NOT_NAME_WORDS = frozenset(
    """her his majesty majesty's majestys inspector inspectors hmi hmis ofsted cqc lead team deputy
    shadow care quality commission council services children children's director corporate
    executive interim strategic chief officer head of the and for to in at with by local
    authority borough county city district department education social inspection visit
    report letter dear yours sincerely assistant acting manager partnership safeguarding
    national regulatory senior data analyst constabulary police probation health nhs icb
    integrated board group commissioner mayor crime designate supernumerary schools
    seconded team all whom are were was this is on visit findings overview insert name town hall
    house civic centre road street buildings municipal offices judgement grade""".split()
)
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Cllr|Councillor|Rev|Lord|Lady)\.?\s+", re.I)
_POSTNOMINALS = re.compile(r"(?:\s+(?:CBE|OBE|MBE|DBE|KBE|QPM|KPM|QFSM|KC|QC|JP|DL|FRSA|PhD))+\s*$")
_ROLE_WORDS = re.compile(
    r"\s+(?:(?:Interim|Acting|Executive|Corporate|Strategic|Deputy|Assistant|Chief|Managing|Operational|"
    r"Director|Head|Service|Cabinet|Lead|Programme|DCS)\b).*$"
)
_INSPECTOR_SENTENCES = (
    re.compile(r"\bInspectors? for this (?:visit|inspection) (?:were|was)\s+(?:lead inspector\s+)?", re.I),
    re.compile(r"\bThe inspectors (?:for this (?:visit|inspection) )?were\s+", re.I),
    re.compile(r"\b(?:Majesty's|HM) Inspectors (?:were|are)\s+", re.I),
    re.compile(r"\bThe (?:visit|inspection) was (?:carried out|undertaken|conducted) by\s+(?!inspectors from)", re.I),
)
_TEAM_LABEL = re.compile(
    r"\b(Lead inspector|Deputy lead inspector|Team inspectors?|Shadow inspectors?|Senior data analyst|"
    r"Quality assurance manager|Regulatory inspector)\s*:\s*",
    re.I,
)
_SEND_TEAM = re.compile(
    rf"((?:{_NAME_TOKEN})(?:[ ](?:{_NAME_TOKEN})){{1,3}})(?:\s+HMI)?,\s*(Ofsted|OFSTED|CQC)\b"
    r"(?:\s+(?:[Ll]ead\s+)?(?:Children's Services\s+)?(?:[Ii]nspector|HMI)\b)?"
)
# After a labelled name or list ("Lead inspector: Steve Lowe, Her Majesty's Inspector"), the title
# closes it: what follows is the report ("Judgement Grade ...").
_LIST_END = re.compile(r"(?<=(?:Her|His) Majesty's Inspector)(?!s)"
                       r"|(?<=Her Majesty's Inspectors)|(?<=His Majesty's Inspectors)")
_TITLES_AFTER_NAME = re.compile(
    r"\s*(?:,\s*)?(?:\(?(?:Her|His) Majesty's (?:Chief )?Inspectors?\)?|\(?HMIs?\)?|\(OI\)|\(HMI\)|"
    r"Ofsted Inspectors?|Social Care Regulatory Inspectors?|SCRI|Senior HMI|\([^)]*\)|all of whom are.*|"
    r"as an? [\w ]+inspector|HMI Schools)\s*",
    re.I,
)
# The role under a signature that makes the signer one of the visit's inspectors (not, say, a
# national director signing a joint inspection letter).
_SIGNED_AS_INSPECTOR = re.compile(
    r"(?:(?:Her|His) Majesty's Inspector|HMI|Ofsted Inspector|Lead Inspector)\b(?!s? of\b)", re.I
)
_CLOSINGS = ("Yours sincerely", "Yours Sincerely", "Yours faithfully", "Yours Faithfully")
_SENTENCE_END = re.compile(r"(?<![A-Z])\.(?:\s|$)")  # not the stop of an initial, "Jane A. Smith"
# A letter's greeting line; metadata also reads the letter's date line from above it.
DEAR = re.compile(r"^\s*Dear\s+(.+?)\s*,?\s*$", re.M)


def clean_text(text: str) -> str:
    """Quotes and spaces made uniform so one pattern covers every copy of a letter."""
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ").replace("\r", "")


def flat_text(text: str) -> str:
    """Whitespace runs (line and page breaks included) as single spaces."""
    return " ".join(text.split())


# ---------------------------------------------------------------- public

def find_inspectors(text: str) -> tuple[str, ...]:
    """Names of the inspectors, in the order the text gives them, without titles.

    find_inspectors("His Majesty's Inspectors for this visit were Steve Lowe and Louise Hocking.")
        -> ("Steve Lowe", "Louise Hocking")
    """
    text = clean_text(text or "")
    return inspector_names(text, flat_text(text))


def inspector_names(text: str, flat: str) -> tuple[str, ...]:
    """find_inspectors on text already through clean_text, with its flat_text form."""
    names: list[str] = []
    head = flat[:HEAD_CHARS]
    for cue in _INSPECTOR_SENTENCES:
        m = cue.search(head)
        if m:
            names += _names_in_list(_sentence_from(head, m.end()))
            break
    # "Lead inspector: Steve Lowe, Her Majesty's Inspector" on report front pages, and SIF team
    # lists: only the head and the "inspection team" section are read.
    team_at = flat.lower().find("the inspection team", HEAD_CHARS)
    where = head + " " + (flat[team_at : team_at + 2000] if team_at >= 0 else "")
    for m in _TEAM_LABEL.finditer(where):
        if m.group(1).lower().split()[0] in ("senior", "quality"):
            continue
        rest = where[m.end() : m.end() + 400]
        stop = _TEAM_LABEL.search(rest) or _LIST_END.search(rest)
        names += _names_in_list(_sentence_from(rest[: stop.start()] if stop else rest, 0))
    # Area SEND team tables: "Sam Hainey, Ofsted Lead Inspector Lesley Perry, CQC Lead Inspector".
    heading = flat.find("Inspection team")  # area SEND reports list their team under this heading
    team_text = flat[heading : heading + 1500] if heading >= 0 else ""
    team = [(m.group(2).upper(), _leading_name(m.group(1))) for m in _SEND_TEAM.finditer(team_text)]
    names += [n for org, n in team if org == "OFSTED"] + [n for org, n in team if org == "CQC"]
    names.append(_signatory(text) or "")
    out: list[str] = []
    for written in names:
        name = _person(written or "")
        if name and name not in out:
            out.append(name)
    return tuple(out)


def find_recipient(text: str) -> str | None:
    """The person a letter is addressed to: the name line of the address block, else "Dear ...".

    find_recipient("8 November 2022\\nCathi Hadley\\nCorporate Director\\n\\nDear Cathi") -> "Cathi Hadley"
    """
    text = clean_text(text or "")
    dear = DEAR.search(text[:HEAD_CHARS])
    if not dear:
        return None
    block = text[: dear.start()]
    dated = list(FULL_DATE.finditer(block))
    block = block[dated[-1].end() :] if dated else block[-600:]
    lines = [line.strip() for line in block.splitlines() if line.strip() and "insert" not in line.lower()]
    names = [_person(line.split(",")[0]) for line in lines]
    greeting = _HONORIFIC.sub("", dear.group(1)).lower().split()
    # The name line that "Dear ..." agrees with ("Dear Sal" -> "Saleem Tariq"), else the first line.
    for name in names:
        if name and greeting and any(
            g == w or (len(g) >= 3 and w.startswith(g)) for g in greeting for w in name.lower().split()
        ):
            return name
    if names and names[0]:
        return names[0]
    name = _person(dear.group(1))
    return name if name and len(name.split()) >= 2 else None


def press_recipient(flat: str) -> str | None:
    """The addressee a news article names: "the letter Ofsted sent to Elaine Redding, ..."."""
    m = re.search(r"\b(?:sent|addressed|written)\b[^.]{0,200}?\bto\b([^.]{0,200})", flat)
    if not m:
        return None
    for cand in re.finditer(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,2}}", m.group(1)):
        name = _person(cand.group(0))
        if name and "'" not in name:
            return name
    return None


# ---------------------------------------------------------------- helpers

def _leading_name(text: str) -> str:
    """A name with any role words before it dropped: "Lead Inspector Lesley Perry" -> "Lesley Perry"."""
    words = text.split()
    while words and words[0].lower().strip(",") in _NOT_NAME_WORDS:
        words.pop(0)
    return " ".join(words)


def _sentence_from(text: str, start: int) -> str:
    """Text from `start` to the end of its sentence (a full stop not inside an initial)."""
    m = _SENTENCE_END.search(text, start)
    return text[start : m.start() if m else start + 300]


def _names_in_list(phrase: str) -> list[str]:
    """Names in "A, Her Majesty's Inspector, and B, HMI" or "A, B and C, all of whom are HMI"."""
    phrase = re.sub(r"-\s+(?=[a-z])", "-", phrase)  # a name hyphenated across a line break
    phrase = re.sub(r"\b(?:lead|team|deputy lead|shadow) inspectors?\b", ",", phrase, flags=re.I)
    phrase = _TITLES_AFTER_NAME.sub(", ", phrase)
    out = []
    for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", phrase):
        part = re.sub(r"\s+(?:HMI|SCRI|OI)$", "", part.strip(" .:"))
        name = _person(part)
        if name:
            out.append(name)
    return out


def _person(text: str) -> str | None:
    """A person's name from a line or phrase, honorific and job title dropped; None if none."""
    text = _HONORIFIC.sub("", text.strip(" ,.:;"))
    text = _ROLE_WORDS.sub("", text).strip(" ,.:;")
    text = _POSTNOMINALS.sub("", text)
    return text if _is_name(text) else None


def _is_name(text: str) -> bool:
    if not _NAME.match(text):
        return False
    words = text.lower().split()
    if any(w in _NOT_NAME_WORDS for w in words):
        return False
    return not _all_place(text)


def _all_place(text: str) -> bool:
    """Whether the council names found cover the whole phrase ("Telford and Wrekin")."""
    covered = sum(end - start for _, start, end in find_authorities(text))
    return covered >= len(text.replace(" ", "")) - 1


def _signatory(text: str) -> str | None:
    """The name signed under "Yours sincerely", if the line after it says the signer is an inspector."""
    at = max(text.rfind(closing) for closing in _CLOSINGS)
    if at < 0:
        return None
    tail = text[at : at + 300].split("\n", 1)[-1]
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    for i, line in enumerate(lines[:4]):
        one_line = _SIGNED_AS_INSPECTOR.search(line)
        if one_line and one_line.start() > 0:
            return _person(line[: one_line.start()])
        if i + 1 < len(lines) and _SIGNED_AS_INSPECTOR.match(lines[i + 1]):
            return _person(line)
    return None
