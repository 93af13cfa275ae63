"""Read a question about many documents at once: which, how many, list, compare, how a council did over time.

Such a question is answered from documents' metadata and grade tables, not from passages, so it is taken
as one only when every word of it is about councils, kinds of document, dates, grades, judgement areas
or area SEND outcomes. A question with a topic of its own ("which councils had problems with PA
caseloads?", "has Blackpool's front door improved?") is left to the passage answerer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches

from ingest.authorities import find_authorities
from ingest.judgements import GRADE_NAMES, GRADES, OUTCOMES, grades_in
from ingest.models import GRADED_TYPES
from qa.grades import area_named
from qa.scope import doc_types_named, names_latest, year_bounds
from qa.text import DOMAIN_STOPWORDS, STOPWORDS, stem

KINDS = ("list", "count", "timeline", "compare")
GRADED = GRADED_TYPES
ANY_AREA = "any area"
BELOW_GOOD = GRADE_NAMES[2:]
GOOD_OR_BETTER = GRADE_NAMES[:2]


@dataclass(frozen=True)
class Selection:
    """Which documents a question about many documents asks for, and what it wants of them."""

    kind: str  # one of KINDS
    unit: str = "documents"  # what a count counts: "documents" | "councils" | "areas"
    councils: tuple[str, ...] = ()
    unknown_councils: tuple[str, ...] = ()  # named in the question, not in the index
    doc_types: tuple[str, ...] = ()  # () for every kind
    years: tuple[int, ...] = ()  # years the inspection or visit ended in
    first_year: int | None = None
    last_year: int | None = None
    latest: bool = False  # each council's latest matching document only, chosen before grades are looked at
    area: str | None = None  # an area key of qa.grades.AREA_LABELS, or ANY_AREA
    grades: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()  # area SEND outcome kinds (ingest.judgements.OUTCOMES)


_TARGET = (r"(?:councils?|local authorit(?:y|ies)|authorit(?:y|ies)|LAs|areas?|inspections?|visits?|reports?|letters?|"
           r"documents?|JTAIs?|judgements?|judgments?|grades?|ratings?)")
_TARGET_WORDS = _TARGET[:-1] + r"|LA|parts?|aspects?|inspectons?)"
_COUNT = re.compile(rf"\bhow many\s+(?:\w+\s+){{0,3}}?(?:{_TARGET_WORDS}|times)\b|\bhow often\b|"
                    rf"\bnumber of\s+(?:\w+\s+){{0,3}}?{_TARGET_WORDS}\b|\b(?:count|tally)\b", re.I)
_COMPARE = re.compile(r"\bcompar(?:e|ed|es|ing|ison)\b|\bversus\b|\bvs\.?(?=\s)|\bagainst\b|\bside by side\b|"
                      r"\bstacks? up\b|\bdifference between\b|\b(?:better|worse) than\b|\bbetter or worse\b|"
                      r"\brank(?:ed|ing|s)?\b|\bon top\b|\b(?:higher|lower)\b|"
                      r"\bwhich (?:one |council |of (?:them|these|the \w+) )?(?:is|was|has|does|did)\b.{0,30}?"
                      r"\b(?:best|worst|better|worse|higher|lower|strongest|weakest)\b", re.I)
_LIST = re.compile(rf"^\s*(?:(?:please|can you|could you|would you)\s+)?(?:tell me|show me|give me|list|name|show|"
                   rf"give|find|identify|line up|pull up|bring up|look up|"
                   rf"i (?:want|need|would like) (?:a list of|to know|to see))\b|"
                   rf"^\s*(?:any|where)\b|"
                   rf"\bwhich\s+(?:\w+\s+){{0,4}}?{_TARGET_WORDS}\b|\bwhich (?:of|among)\b|"
                   rf"\bwhat\s+(?!(?:did|does|do|is|was|were|has|have|had)\b)(?:\w+\s+){{0,2}}?{_TARGET}\b|"
                   rf"\b(?:every|all)\s+(?:the\s+)?(?:\w+\s+){{0,3}}?{_TARGET}\b|\ba (?:list|breakdown) of\b", re.I)
# A yes-or-no question ("was every area outstanding?") is answered from the passages and grade tables, unless it
# asks across a council's history ("has X ever been rated outstanding?") or of several councils.
_YES_NO = re.compile(r"^\s*(?:was|were|is|are|did|does|do|has|have|had|will)\b", re.I)
_BEYOND = re.compile(r"\b(?:not|no|never|without|except|none|neither|nor|n't)\b|n't\b|\bmore than\b|\bfewer than\b|"
                     r"\bless than\b|\btwice\b|\bin a row\b|\bonly\b|\bmost\b|\bleast\b|\bfirst\b|\bmajority\b|"
                     r"\bproportion\b|\bpercentage\b|\baverage\b", re.I)
_EVERY_AREA = re.compile(r"\b(?:every|all)\s+(?:of (?:the|its|their) )?(?:judgements?|judgments?|areas?|grades?)\b|"
                         r"\bacross the board\b", re.I)
_RANKING = re.compile(r"\b(?:best|worst|highest|lowest|strongest|weakest|top|bottom)\b", re.I)
_COMPARATIVE = re.compile(r"\b(?:better|worse|higher|lower|stronger|weaker)\b", re.I)
_CHANGE_ACROSS = re.compile(r"\b(?:improved|improving|improves|got (?:better|worse)|declined|declining|downgraded|"
                            r"upgraded|went (?:up|down)|gone (?:up|down)|moved (?:up|down))\b|"
                            r"\bfrom (?:an? )?(?:outstanding|good|inadequate|requires? improvement|RI)\b"
                            r"[^.?]{0,30}?\bto\b", re.I)
_PRESENT = re.compile(r"\b(?:is|are)\s+(?:\w+\s+)?(?:rated|graded|judged)\b", re.I)
_QUOTING = re.compile(r"[\"“”‘]|(?<![A-Za-z])'(?=[A-Za-z])|\bbut\b", re.I)
_GRADED_NAMED = re.compile(r"\b(?:ILACS|SIF|full inspections?|graded inspections?|children's services inspections?)\b",
                           re.I)
_ANY = re.compile(r"^\s*(?:are|were|is|has|have|had|did|do|does)\s+(?:there\s+)?any\b", re.I)
_WHICH_OF = re.compile(r"\bwhich (?:of|among)\b", re.I)
_EACH_RECORD = re.compile(r"\b(?:histories|records|timelines|each|both)\b", re.I)
_EVER = re.compile(r"\bever\b|\bat any (?:point|time)\b", re.I)
# Wording that asks for a council's record over time; "changed" or "improved" does so only of grades, or of
# nothing in particular ("how have services for care leavers changed?" is a question about care leavers).
_RECORD = re.compile(
    r"\bhistory\b|\btimeline\b|\brecord\b|\bjourney\b|\bstory\b|\btrajectory\b|\bover (?:time|the years)\b|"
    r"\bacross (?:its|their|the|all)\b|\b(?:done|fared|performed|got on|getting on|gone|going)\b|"
    r"\bhow (?:has|have|did|does|do|is|are) .{0,60}?\b(?:done|fared|performed|go|gone|going|doing|changed|improved|"
    r"progressed|got on|getting on|been (?:graded|rated|judged))\b|"
    r"\b(?:grades?|ratings?|judgements?) (?:have |has )?changed\b|\b(?:improved|got better|got worse|declined)\b|"
    r"\bvisits and inspections\b|\binspections and visits\b|\b(?:walk|take|run|talk) (?:me|us) through\b|"
    r"\bthings\b|\bbeen (?:graded|rated|judged)\b|\bsince (?:19|20)\d\d\b|\b(?:trace|chart|plot)\b|"
    r"\bin (?:date|time) order\b|\bchronolog\w*|\bfrom first to last\b|\bup or down\b|\bonwards?\b|\beverything\b",
    re.I)
_COUNCILS_UNIT = re.compile(r"\b(?:councils?|local authorit(?:y|ies)|authorit(?:y|ies)|LAs?)\b", re.I)
_AREAS_UNIT = re.compile(r"\b(?:which|what|how many)\s+(?:judgement\s+)?(?:areas?|parts?|aspects?)\b(?!\s+SEND)", re.I)
_LOCAL_AREAS = re.compile(r"^\s*(?:tell me\s+)?(?:which|what|how many)\s+(?:local\s+)?areas?\b(?!\s+SEND)|^\s*where\b",
                          re.I)
_GRADE_TALK = re.compile(r"\b(?:grades?|gradings?|ratings?|rated|graded|judgements?|judgments?|judged)\b", re.I)
_NOW = re.compile(r"\b(?:currently|now|at present|at the moment|these days|today|as (?:things|it) stands?|"
                  r"as of now|still)\b", re.I)
_ANY_AREA = re.compile(r"\b(?:any|every|all|each)\s+(?:of (?:the|its|their) )?"
                       r"(?:judgements?|judgments?|areas?|grades?)\b", re.I)
_BELOW_GOOD = re.compile(r"\b(?:below|less than|worse than|short of|under)\s+good\b"
                         r"|\bnot (?:yet )?(?:rated |judged )?good\b", re.I)
_GOOD_OR_BETTER = re.compile(r"\b(?:good or (?:better|above|outstanding)|at least good|outstanding or good|"
                             r"good and outstanding|outstanding and good)\b", re.I)
_EVERY_DOCUMENT = re.compile(r"\bvisits? and inspections?\b|\binspections? and visits?\b|\beverything\b|"
                             r"\bevery (?:visit|letter|report|document)\b"
                             r"|\ball (?:the )?(?:visits|letters|reports|documents)\b", re.I)
_EVERY_KIND = re.compile(r"\bhistory\b|\btimeline\b|\brecord\b|\bvisits\b(?! to)|\bletters\b|\breports\b|"
                         r"\bdocuments\b|\bjourney\b|\bstory\b|\bthings\b|\bofsted\b", re.I)
_POSITIVE, _INCONSISTENT, _CONCERNS = OUTCOMES
_OUTCOME_WORDS = (
    (_CONCERNS, re.compile(r"\bsignificant concerns?\b|\bwidespread\b|\bsystemic\b|\bfailings\b", re.I)),
    (_INCONSISTENT, re.compile(r"\binconsistent\b", re.I)),
    (_POSITIVE, re.compile(r"\bpositive\b", re.I)),
)

# Every word a question about many documents may use besides councils' names and years. A word outside
# these is a topic, and the question goes to the passages.
_VOCABULARY = set("""
which what how many much number count list name names show give me tell all every each any there were was is are be been
being have has had did does do done doing the a an of in to for by on at and or with its their it they them that who
whose as than ever so far since from between until before after during year years currently current now latest last most
recent recently still took take taken place get got gotten given receive received find found give gave see saw
councils council local authority authorities areas area las inspections inspection visits visit focused monitoring
reports report letters letter documents document jtai jtais joint targeted send partnership partnerships ilacs sif full
graded grade grades gradings ratings rating rated rate judged judgement judgements judgment judgments outcome outcomes
verdict verdicts scored score scores marked assessed deemed found
outstanding good requires require required requiring improvement inadequate below above better worse least less short
not yet overall effectiveness
leaders leadership impact management governance help protection children child childrens care leavers leaver
looked experiences experience progress need needs services service social work practice families adoption performance
permanence achieving
significant concerns concern inconsistent positive widespread systemic failings young people special educational
disabilities disability typically lead leading led
history timeline track record over time across journey fared performed go gone going changed change changes improved
got declined done compare compared comparing comparison versus vs against side other
england national nationally whole country overall
times often things ofsted came come comes out right moment stands stand present today walk through take run talk us
stack stacks up best worst doing put please can could would you i want need like know breakdown story trajectory
getting identify one ones these those higher lower strongest weakest difference tally top bottom point both either
neither among amongst also awarded achieved achieve gets result results level status la ri inspected visited newest
previous first second third fourth fifth sixth by
""".split())
_VOCABULARY |= set("""
carried carry conducted conduct held hold undertaken undertake start beginning end line measure measures stronger
weaker strong weak ranked rank ranking rankings perform performing performance who whose happened happen get
judge rate grade inspect visit compare
""".split())
# Words that ask rather than name a subject (qa.text's stop words), less those that make a topic of their own:
# "which councils were criticised?" asks about criticism, which the grade tables do not hold.
_TOPICAL = set("""problem problems issue issues handling handle handled criticism criticised criticisms wrong approach
difference differences claim claimed claims act acted comment comments mention mentioned view views describe described
think thought say says said heard read reported reportedly talk talked talking saying""".split())
_VOCABULARY |= (STOPWORDS | DOMAIN_STOPWORDS) - _TOPICAL
_VOCABULARY |= set("""
pull bring look trace chart plot date order chronological chronologically onwards onward everything published
parts part aspects aspect fell fall falls round counting into separate january jan where top rank ranked ranking
months month week weeks total totals including chronology activity focussed
m re ve ll d
""".split())  # the last line: what is left of "I'm", "we're", "they've", "we'll", "I'd"
_WORD = re.compile(r"[A-Za-z]+")
_STEMS = {stem(w) for w in _VOCABULARY}
_TYPO_LENGTH = 6  # a longer word one slip from a known one ("inspectons") is taken as that word
_SORTED_VOCABULARY = sorted(w for w in _VOCABULARY if len(w) >= _TYPO_LENGTH - 1)


def read_selection(question: str, indexed_authorities: set[str]) -> Selection | None:
    """The selection a question about many documents makes; None for a question about what letters say.

    read_selection("Which councils were rated good overall in 2021?", {...})
      -> Selection("list", unit="councils", doc_types=GRADED, years=(2021,), area="overall effectiveness",
                   grades=("Good",))
    """
    if not isinstance(question, str) or not question.strip():
        return None
    named = list(dict.fromkeys(name for name, _, _ in find_authorities(question)))
    if _QUOTING.search(question) or not _only_aggregate_words(question):
        return None  # a quotation, or a "but" setting one fact against another, is read from the passages
    kind = _kind(question, named)
    if kind is None or _beyond_a_selection(question, named):
        return None
    known = tuple(n for n in named if n in indexed_authorities)
    unknown = tuple(n for n in named if n not in indexed_authorities)
    years, first, last = year_bounds(question)
    grades = _grades(question)
    outcomes = tuple(kind_ for kind_, pattern in _OUTCOME_WORDS if pattern.search(question))
    types = doc_types_named(question)
    if outcomes and re.search(r"\bSEND\b", question):
        types = ("area_send",)  # "the SEND inspectons rated inconsistent": the outcome says which kind
    specific = tuple(t for t in types if t not in GRADED)
    if specific and not _GRADED_NAMED.search(question):
        types = specific  # "the JTAI letters for inspections before 2020": inspections of that kind
    if "area_send" not in types:
        outcomes = ()
    if not types and (grades or kind == "compare" or _GRADE_TALK.search(question)):
        types = GRADED
    if set(types) <= set(GRADED) and not grades and (
            _EVERY_DOCUMENT.search(question) or (kind == "timeline" and _EVERY_KIND.search(question))):
        types = ()  # "Dudley's inspection history", "counting every visit and inspection": every kind
    unit = "documents"
    if _AREAS_UNIT.search(question) and len(named) == 1:
        unit = "areas"  # "which areas were graded below good in Coventry's latest inspection"
    elif _COUNCILS_UNIT.search(question) or _LOCAL_AREAS.search(question):
        unit = "councils"
    area = None
    if grades or unit == "areas":
        area = ANY_AREA if (_ANY_AREA.search(question) or unit == "areas") else area_named(question)
    elif area_named(question) != "overall effectiveness":
        area = area_named(question)  # "how has the grade for Knowsley care leavers changed": that row is cited
    undated = not years and first is None and last is None
    now = bool(_NOW.search(question)) or (undated and bool(_PRESENT.search(question)))  # "which councils are rated…"
    latest = kind == "compare" or ((names_latest(question) or now) and kind != "timeline")
    return Selection(kind=kind, unit=unit, councils=known, unknown_councils=unknown, doc_types=types, years=years,
                     first_year=first, last_year=last, latest=latest, area=area, grades=grades, outcomes=outcomes)


def _beyond_a_selection(question: str, named: list[str]) -> bool:
    """True for a question a selection of documents cannot answer exactly: a negation ("which councils have not
    had a focused visit?"), a comparison of counts or a superlative ("more than one", "the most", "the first"),
    "every area", a change across councils ("which councils improved?"), "better than" one council. Such a
    question goes to the passages rather than being answered, wrongly, with a count."""
    text = _GOOD_OR_BETTER.sub(" ", _BELOW_GOOD.sub(" ", question))  # "not good", "good or better" are grades
    text = re.sub(r"\bfrom first to last\b|\bmost recent\b|\bnot yet\b", " ", text, flags=re.I)
    if _BEYOND.search(text):
        return True
    if _EVERY_AREA.search(text) and _grades(question):
        return True  # "rated outstanding in every area": all rows, which a selection by any row cannot say
    if len(named) < 2 and (_RANKING.search(text) or _COMPARATIVE.search(text)):
        return True
    return not named and bool(_CHANGE_ACROSS.search(text))


def _kind(question: str, named: list[str]) -> str | None:
    counted = bool(_COUNT.search(question))
    # A record over time: of grades, or of the council as a whole; "have things got better for care leavers?"
    # asks about care leavers, which the passages answer.
    record = named and _RECORD.search(question) and (
        _GRADE_TALK.search(question) or area_named(question) == "overall effectiveness")
    if (len(named) >= 2 and not counted and not _WHICH_OF.search(question)
            and not (record and _EACH_RECORD.search(question))):
        return "compare"  # two or more councils, nothing but grades and kinds of document: set side by side
    if _YES_NO.match(question) and not (_EVER.search(question) or _ANY.match(question) or (named and record)):
        return None  # "was every area outstanding in Essex's 2023 inspection?": the passages answer yes or no
    if counted:
        return "count"
    if _YES_NO.match(question) and _EVER.search(question):
        return "list"  # "has Bexley ever been rated outstanding?": the reports that were
    if record:
        return "timeline"
    if _LIST.search(question) or _ANY.match(question):
        return "list"
    return None


def _grades(question: str) -> tuple[str, ...]:
    if _BELOW_GOOD.search(question):
        return BELOW_GOOD
    if _GOOD_OR_BETTER.search(question):
        return GOOD_OR_BETTER
    found = [g for g in grades_in(question) if g in GRADES]
    return tuple(dict.fromkeys(found))


def _only_aggregate_words(question: str) -> bool:
    """True when every word, councils' names and years aside, belongs to questions about many documents."""
    text = question
    for _, a, b in sorted(find_authorities(question), key=lambda t: -t[1]):
        text = text[:a] + " " + text[b:]
    text = re.sub(r"[’']s\b", " ", text)
    return all(_known(w.lower()) for w in _WORD.findall(text))


def _known(word: str) -> bool:
    if word in _VOCABULARY or stem(word) in _STEMS:
        return True
    return len(word) >= _TYPO_LENGTH and bool(get_close_matches(word, _SORTED_VOCABULARY, n=1, cutoff=0.85))
