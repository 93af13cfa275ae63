"""Which letter a claim is about: the visit an article frames, and whether evidence comes from it."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.authorities import find_authorities
from ingest.models import Metadata
from qa import checks, grades
from qa.models import Evidence


@dataclass(frozen=True)
class Framing:
    """The visit an article says it reports on, read from the article itself."""

    meta: Metadata

    def describe(self) -> str:
        m = self.meta
        kind = m.doc_type.replace("_", " ")
        if m.visit_number:
            kind = f"monitoring visit {m.visit_number}"
        when = m.visit_dates[0][:7] if m.visit_dates else (m.date or "")[:7]
        return f"{kind} ({when})" if when else kind


def attributed_letters(qa, claim: str, framing: Framing | None, exclude: tuple[str, ...]) -> tuple[str, ...]:
    """The letters a claim is about: the article's framed visit when one is indexed, else the council's letters."""
    docs = [d for d in qa.index.documents() if d.doc_id not in exclude and d.duplicate_of is None]
    if framing is not None and framing.meta.local_authority:
        m = framing.meta
        framed = [d for d in docs if d.meta.source_kind == "official" and d.meta.local_authority == m.local_authority
                  and d.meta.doc_type == m.doc_type and (not m.visit_number or d.meta.visit_number == m.visit_number)
                  and (not m.visit_dates or not d.meta.visit_dates or abs(months(d.meta.visit_dates[0])
                                                                           - months(m.visit_dates[0])) <= 3)]
        if framed:
            return tuple(d.doc_id for d in framed)
    councils = {name for name, _, _ in find_authorities(claim)}
    if framing is not None and framing.meta.local_authority:
        # an article's dates are of events it recounts; the visit it reports is not indexed: any of the council's
        return tuple(d.doc_id for d in docs if d.meta.local_authority in councils | {framing.meta.local_authority})
    years = {d[:4] for d in checks.dates(claim) if not d.startswith("*")}
    chosen = [d for d in docs if d.meta.local_authority in councils]
    dated = [d for d in chosen if years & grades.years_of(d)]
    return tuple(d.doc_id for d in (dated or chosen))


def months(iso: str) -> int:
    return int(iso[:4]) * 12 + int(iso[5:7])


def attribute(evidence: Evidence, meta: Metadata, framing: Framing | None) -> tuple[str, str]:
    """Which letter the claim traces to (`meta` is the evidence document's), and a warning when the
    article frames another visit than that letter's."""
    where = letter_name(evidence)
    if framing is None or framing.meta.doc_type == "other":
        return where, ""
    m = framing.meta
    same_kind = meta.doc_type == m.doc_type and (not m.visit_number or meta.visit_number == m.visit_number)
    framed = {d[:7] for d in m.visit_dates} | ({m.date[:7]} if m.date else set())
    own = {d[:7] for d in meta.visit_dates} | ({meta.date[:7]} if meta.date else set())
    same_time = not framed or not own or any(_near_month(a, framed) or _near_month(b, own) for a in own for b in framed)
    if same_kind and same_time:
        return where, ""
    return where, f"the article frames this as the {framing.describe()}, but the sentence stands in {where}"


def framed_attribution(qa, framing: Framing) -> str:
    """The visit the article reports on, and whether an official letter of it is indexed."""
    m = framing.meta
    for doc in qa.index.documents():
        dm = doc.meta
        if (doc.meta.source_kind == "official" and dm.local_authority == m.local_authority
                and dm.doc_type == m.doc_type and dm.visit_number == m.visit_number
                and (not m.visit_dates or tuple(dm.visit_dates) == tuple(m.visit_dates))):
            return f"{framing.describe()}: {dm.title}"
    return f"{framing.describe()}, as the article reports it; no official letter of that visit is indexed"


def _near_month(month: str, others: set[str]) -> bool:
    """A letter follows its visit within about three months."""
    y, m = map(int, month.split("-"))
    for other in others:
        oy, om = map(int, other.split("-"))
        if 0 <= (y * 12 + m) - (oy * 12 + om) <= 3:
            return True
    return False


def letter_name(evidence: Evidence) -> str:
    return evidence.title or evidence.doc_id
