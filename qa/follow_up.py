"""What later letters said about an earlier letter's area for improvement: improved, not yet, or not mentioned.

The area for improvement is asked, as a question, of each later letter of the council alone. The answer
models decide whether that letter speaks to it (an abstention is "not mentioned"); of the sentences they
cite, the one closest in meaning to the area for improvement is shown verbatim, and only if it is close
enough to be about the same thing. Its own words say whether inspectors found the weakness improved or not
yet; a sentence the later letter itself lists as an area for improvement is "not yet".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.filters import Filters
from ingest.models import Document
from qa.history import Passage, improvements

# "mentioned": the later letter speaks of it, in words that say neither plainly; its sentence is shown to be read
STATUSES = ("improved", "not yet", "mentioned", "not mentioned")
# Letters that speak to a children's services weakness; an area SEND report is about other services.
FOLLOWED_IN = ("focused_visit", "monitoring_visit", "ilacs_inspection", "sif_inspection", "jtai")
# Cosine similarity (MiniLM) a later sentence needs to the area for improvement to count as speaking of it:
# a fixed value, set by reading pairs, not fitted to a measured set.
MENTION_SIMILARITY = 0.5

_NOT_YET = re.compile(
    r"\bnot (?:yet|always|consistently|sufficiently|fully|routinely|well|effective|timely|robust|clear)\b|"
    r"\b(?:remains?|remained|continues? to be|still|too many|too few|too long|too often|insufficient|"
    r"inconsistent(?:ly)?|variable|weak(?:ness|nesses)?|poor|delays?|delayed|lack(?:s|ing)?|limited|gaps?|shortfalls?|drift|"
    r"requires? (?:further )?improvement|needs? to (?:improve|be improved|strengthen)|has not|have not|do not|does not|"
    r"is not|are not|cannot|slow|deteriorat\w*|declin\w*)\b", re.I)
_STILL = re.compile(r"\bnot yet\b|\bstill\b|\bremains?\b|\bcontinues? to\b|\bhas not\b|\bhave not\b", re.I)
_IMPROVED = re.compile(
    r"\b(?:improved|improvements?|improving|strengthened|now|better|effective(?:ly)?|good|strong|well|timely|"
    r"consistent(?:ly)?|robust|progress|addressed|resolved|embedded|established|positive|appropriate(?:ly)?|"
    r"reduced|increased|eradicated|eliminated|tackled|no longer|fewer)\b", re.I)


@dataclass(frozen=True)
class FollowUp:
    """One later letter's word on an area for improvement."""

    doc_id: str
    title: str
    date: str | None
    status: str  # one of STATUSES
    passage: Passage | None  # the sentence it rests on, verbatim; None when not mentioned


def status_of(sentence: str) -> str:
    """'improved' when a sentence's words find the weakness better and none find it wanting, 'not yet' the
    reverse or when it says so outright ("not yet", "still", "remains"), else 'mentioned'.

    status_of("Supervision is now regular and reflective.") -> "improved"
    status_of("Supervision has improved but is not yet consistent.") -> "not yet"
    status_of("Delays in initial assessments have reduced significantly.") -> "mentioned"
    """
    wanting, better = bool(_NOT_YET.search(sentence)), bool(_IMPROVED.search(sentence))
    if wanting and (not better or _STILL.search(sentence)):
        return "not yet"
    if better and not wanting:
        return "improved"
    return "mentioned"


def follow_up(qa, item: Passage, later: list[Document]) -> tuple[FollowUp, ...]:
    """What each later letter (oldest first) says of `item`, an area for improvement of an earlier one."""
    phrase = item.text.rstrip(" .;")
    question = f"What did inspectors say about {phrase[:1].lower()}{phrase[1:]}?"
    out = []
    for doc in later:
        if doc.meta.doc_type not in FOLLOWED_IN:
            continue
        answer = qa.ask(question, Filters(doc_ids=(doc.doc_id,)))
        cited = [c for c in answer.citations if c.doc_id == doc.doc_id]
        best = _closest(qa, item.text, [c.quote for c in cited]) if cited and not answer.abstained else None
        if best is None:
            out.append(FollowUp(doc.doc_id, doc.meta.title, doc.meta.date, "not mentioned", None))
            continue
        c = cited[best]
        listed = any(c.start < p.end and p.start < c.end for p in improvements(doc))
        status = "not yet" if listed else status_of(c.quote)
        out.append(FollowUp(doc.doc_id, doc.meta.title, doc.meta.date, status,
                            Passage(doc.doc_id, c.quote, c.start, c.end)))
    return tuple(out)


def _closest(qa, text: str, sentences: list[str]) -> int | None:
    """The index of the sentence closest in meaning to `text`, if close enough to speak of the same thing."""
    vectors = qa.index.embedder.embed([text, *sentences])
    similarity = vectors[1:] @ vectors[0]
    best = int(similarity.argmax())
    return best if similarity[best] >= MENTION_SIMILARITY else None
