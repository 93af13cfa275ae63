"""Grade claims judged against the grade tables of the reports they may mean."""

from __future__ import annotations

from dataclasses import replace

from ingest.authorities import find_authorities
from ingest.models import Document
from ingest.quotes import quotations
from qa import checks, grades
from qa.attribution import Framing, attributed_letters, letter_name
from qa.forensics import examine, overall_status
from qa.models import Verdict
from qa.visit_dates import duration_conflict, visit_date_conflict


def grade_verdict(qa, claim: str, framing: Framing | None, exclude: tuple[str, ...]) -> Verdict | None:
    """A grade claim judged against the grade tables of the reports it may mean, if it is one."""
    if not grades.grade_claim(claim):
        return None
    parts = grades.graded_parts(claim)
    before = (framing.meta.visit_dates or (framing.meta.date,))[0] if framing and (
        framing.meta.visit_dates or framing.meta.date) else None
    councils = {name for name, _, _ in find_authorities(claim)} | (
        {framing.meta.local_authority} if framing and framing.meta.local_authority else set())
    if not parts or not councils:
        return None  # a grade of no named council is no claim about any report in particular
    docs = [d for d in qa.index.documents() if d.doc_id not in exclude and d.meta.local_authority in councils]
    reports = grades.reports_for(claim, docs, before)
    if not reports:
        return None
    quotes = [examine(qa, q, exclude, attributed_letters(qa, claim, framing, exclude)) for q in quotations(claim)]
    tied = bool(before) or any(d for d in checks.dates(claim) if not d.startswith("*"))
    graded = judge_grade(claim, reports, parts, quotes, tied)
    if graded is not None and graded.verdict == "supported":
        within = tuple(e.doc_id for e in graded.evidence[:1])
        dated = (duration_conflict(qa, claim, framing, within, within[0])
                 or visit_date_conflict(qa, claim, framing, within, within[0]))
        if dated:
            return replace(graded, verdict="contradicted", reason=f"{dated}; the grade is right: {graded.reason}",
                           confidence="high")
    return graded


def judge_grade(claim: str, reports: list[Document], parts: list, quotes: list[dict],
                 tied: bool = True) -> Verdict | None:
    """Every grade a claim states against the grade table of the report it means (latest first when it
    names no year): all agree, supported; one differs, contradicted, naming the row, but only when the
    claim's years or its article tie it to that report; otherwise None (it may mean another inspection)."""
    def speaks_of(part, doc: Document) -> bool:
        return not part.years or bool(set(part.years) & grades.years_of(doc))

    def mismatches(doc: Document) -> list:
        wrong = []
        for part in parts:
            if not speaks_of(part, doc):
                continue
            rows = list(doc.meta.judgements) if part.every else [grades.row_for(doc, part.area)]
            wrong += [row for row in rows if row is not None and row.grade.lower() != part.grade]
        return wrong

    def rows(doc: Document) -> list:
        found = [r for p in parts if speaks_of(p, doc)
                 for r in (doc.meta.judgements if p.every else [grades.row_for(doc, p.area)]) if r]
        return list(dict.fromkeys(found))

    latest = reports[0]
    agreeing = [d for d in reports if rows(d) and not mismatches(d)]
    status = overall_status(quotes)
    if agreeing:
        doc = agreeing[0]
        evidence = tuple(grades.evidence_for(doc, r) for r in rows(doc))
        where = letter_name(evidence[0])
        reason = "; ".join(f"{r.area}: {r.grade}" for r in rows(doc))
        sure = doc is latest or bool(checks.dates(claim))
        if not sure:
            latest_name = letter_name(grades.evidence_for(latest, latest.meta.judgements[0]))
            latest_row = grades.row_for(latest, parts[0].area)
            reason += f"; the latest report, {latest_name}, grades it {latest_row.grade if latest_row else '—'}"
        return Verdict(claim, "supported", f"{where} grades {reason}", status, evidence, tuple(quotes),
                       attribution=where, confidence="high" if sure else "low")
    wrong = mismatches(latest)
    if not wrong or not tied:
        return None  # the grade tables settle nothing: the claim is judged like any other
    row = wrong[0]
    differing = grades.evidence_for(latest, row)
    where = letter_name(differing)
    said = next((p.grade for p in parts if p.every or grades.row_for(latest, p.area) == row), parts[0].grade)
    return Verdict(claim, "contradicted", f"the claim says '{said}'; {where} grades {row.area}: {row.grade}", status,
                   (differing,), tuple(quotes), attribution=where)
