"""Words of questions and passages: tokens, stop words and a light stemmer shared by every scorer."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours
yourself yourselves whose within without upon across per via many much well get got make made say said
tell told find found there's it's what's
""".split())

# Words every question to this corpus uses, or that name the kind of answer wanted ("what rate",
# "how often") rather than its subject: a letter need not repeat them to answer.
DOMAIN_STOPWORDS = frozenset("""
ofsted inspector inspectors inspection inspections letter letters report reports visit visits council
councils local authority authorities children child childrens young people services service social care
describe described say says said find finds found think thought view views comment comments mention
mentioned according does do did happen happened
rate rates number numbers percentage proportion often enough quickly name named called kind sort way ways
example examples currently current recent recently latest grade grades graded rated rating ratings
judged judgement judgements receive received get got given awarded went wrong problem problems issue issues
handling handle handled change changed changes changing criticism criticised criticisms act acted time times
happen happening difference differences approach whether anything something
really exactly actually true truly correct right heard read reported reportedly claim claimed claims
apparently supposedly story thing things stuff lot lots getting gets worse worst bodies body share cent percent
whats anyone anybody talk talked talking saying mentioned mention last previous earlier lately year years
tell know knew kind bit quite pretty sure fact facts okay ok please
""".split())

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*%?")


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens: "Children’s PA caseloads, 63%" -> ['children', 'pa', 'caseloads', '63%']."""
    out = []
    for t in _TOKEN.findall(text):
        t = t.lower().replace("’", "'")
        if t.endswith("'s"):
            t = t[:-2]
        out.append(t.strip("'"))
    return [t for t in out if t]


_PORTER = snowballstemmer.stemmer("porter")  # the stemmer SQLite's FTS5 'porter' tokenizer uses


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem, as the keyword index stems.

    'caseloads' -> 'caseload', 'families' -> 'famili' = stem('family')
    """
    w = word.lower().replace("’", "'")
    if len(w) <= 2 or w[0].isdigit():
        return w
    return _PORTER.stemWord(w)


# People-words stay key terms in a question asking who: "Who were the inspectors on ...?"
_PEOPLE = frozenset({"inspector", "inspectors"})


def content_terms(text: str, drop_domain: bool = True) -> list[str]:
    """Tokens that carry meaning: stop words (and, by default, this corpus's generic words) removed."""
    skip = STOPWORDS | DOMAIN_STOPWORDS if drop_domain else STOPWORDS
    if drop_domain and text.lstrip().lower().startswith("who"):
        skip = skip - _PEOPLE
    return [t for t in tokens(text) if t not in skip and len(t) > 1 or t.isdigit()]


def stems(text: str) -> set[str]:
    """Stems of every token of `text`, and of each part of a hyphenated one ('multi-agency' -> multi, agency)."""
    found = set()
    for t in tokens(text):
        found.add(stem(t))
        if "-" in t:
            found.update(stem(p) for p in t.split("-") if p)
    return found
