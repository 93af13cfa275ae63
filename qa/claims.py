"""Finding the claims in a text: the statements of an article that can be checked against the letters."""

from __future__ import annotations

import re

from ingest.quotes import open_quotation, quotations
from ingest.sentences import split_sentences
from qa import checks
from qa.text import tokens

ATTRIBUTION = re.compile(
    r"\b(?:ofsted|inspectors?|inspection|inspectorate|monitoring visit|focused visit|rated|judged|graded|"
    r"said|says|found|finds|described|praised|criticised|according to|report|letter)\b",
    re.I,
)

_BOILERPLATE = re.compile(
    r"\b(?:comments?|report this|read the rules|click|subscribe|sign up|newsletter|to read the letter|copyright|"
    r"cookies?|share this|follow us)\b",
    re.I,
)

_OTHER_SPEAKER = re.compile(
    r"\b(?:Cllr|Councillor|councillor|cabinet member|portfolio holder|leader of|council leader|chief executive|"
    r"director|DCS|MP|spokes(?:person|man|woman)|Mayor|mayor|chair|headteacher|parents?|campaigners?|minister)\b")

_SAYS = re.compile(r"\b(?:said|says|added|adds|commented|comments|told|explained|welcomed|acknowledged)\b", re.I)

_OFSTED = re.compile(r"\b(?:ofsted|inspectors?|inspectorate|the report|the letter|HMI|CQC)\b", re.I)
# What inspection findings are about: an article's sentence using none of these is its own framing.

_FINDING = re.compile(
    r"\b(?:child(?:ren)?|young (?:people|person)|famil(?:y|ies)|parents|carers?|social work(?:ers?)?|"
    r"practi(?:ce|tioners?)|services?|care|leaders?|leadership|managers?|management|staff|workforce|plans?|assessments?|partners(?:hip)?s?|"
    r"MASH|front door|caseloads?|safeguarding|protection|support(?:ed|s)?|SEND|EHC|early help|exploitation|placements?|"
    r"foster(?:ing)?|adoption|supervision|oversight|thresholds?|referrals?|strateg(?:y|ies|ic)|improv\w*|"
    r"outcomes?|needs?|risks?|harm|neglect|abuse|quality|performance|progress)\b", re.I)


def find_claims(text: str) -> list[str]:
    """Check-worthy sentences of an article: what it says the letters found, in its words or in quotation.

    A statement of six words or more counts when it attributes something to the inspectors, quotes,
    gives a figure, grade or date, or speaks of what inspections judge (children, practice, services,
    leaders ...): articles state findings without saying "Ofsted said". List items count. Skipped are
    questions, site furniture, the article's own framing, and what someone other than the inspectors
    says (a councillor's comment, and the rest of a quotation such a speaker opens). A sentence the
    text repeats is one claim.
    """
    claims = []
    lines = "\n\n".join(text.splitlines())  # an article's line breaks end its sentences and headings
    open_quote, speaker_other = False, False
    for a, b in split_sentences(lines):
        sentence = " ".join(lines[a:b].split())
        other = bool(_OTHER_SPEAKER.search(sentence) and _SAYS.search(sentence)) and not _OFSTED.search(sentence)
        continuing = open_quote and speaker_other
        if open_quotation(sentence):  # a quotation left open runs on into the next sentences
            if not open_quote:
                speaker_other = other
            open_quote = not open_quote
        if len(tokens(sentence)) < 6 or _BOILERPLATE.search(sentence) or is_question(sentence):
            continue
        if other or continuing:
            continue
        if (ATTRIBUTION.search(sentence) or quotations(sentence) or checks.numbers(sentence) or checks.grade(sentence)
                or checks.dates(sentence) or _FINDING.search(sentence)):
            claims.append(sentence)
    return list(dict.fromkeys(claims))  # a sentence repeated is checked once


def is_question(sentence: str) -> bool:
    """True for a question without a quotation in it: 'Is every council outstanding?' asserts nothing."""
    return sentence.rstrip().endswith("?") and not quotations(sentence)

_JOINS = re.compile(r",\s*but\s+|;\s+|\s+but\s+|,?\s+(?:although|while|whereas|though)\s+|,\s*and\s+(?=\w+\s+\w+)",
                    re.I)


def compound_parts(claim: str) -> list[str]:
    """The parts of a compound claim, each a statement of five words or more ('X improved, but Y is weak');
    [] when it is one statement. Never split inside a quotation."""
    parts, start = [], 0
    for m in _JOINS.finditer(claim):
        if open_quotation(claim[:m.start()]):
            continue
        parts.append(claim[start:m.start()])
        start = m.end()
    parts.append(claim[start:])
    parts = [p.strip(" ,.;") for p in parts]
    if len(parts) < 2 or any(len(tokens(p)) < 5 for p in parts):
        return []
    return parts
