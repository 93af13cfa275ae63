"""The JSON shapes of the command-line contract."""

from __future__ import annotations

from ingest.models import Document
from qa.models import Answer, Hit, Verdict


def hit_json(hit: Hit) -> dict:
    return {
        "rank": hit.rank,
        "doc": hit.doc.doc_id,
        "chunk_id": hit.chunk.chunk_id,
        "text": hit.chunk.text,
        "score": round(hit.score, 6),
        "title": hit.doc.meta.title,
        "date": hit.doc.meta.date,
        "section": hit.chunk.section,
        "start": hit.chunk.start,
        "end": hit.chunk.end,
    }


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "reason": answer.reason or None,
        "scope": answer.scope or None,
        "citations": [
            {"n": c.n, "doc": c.doc_id, "title": c.title, "date": c.date, "section": c.section,
             "quote": c.quote, "start": c.start, "end": c.end, "chunk_id": c.chunk_id}
            for c in answer.citations
        ],
        "passages": [hit_json(h) for h in answer.hits],
        "answerer": answer.answerer,
        "generation": _generation_json(answer.generated),
        "uncertain": answer.uncertain,
        "confidence": answer.confidence,
        "loosened": list(answer.loosened),
        "aggregate": _aggregate_json(answer.aggregate),
    }


def _aggregate_json(a) -> dict | None:
    if a is None:
        return None
    return {"kind": a.kind, "rule": a.rule, "count": a.count, "unit": a.unit,
            "rows": [{"doc": r.doc_id, "local_authority": r.council, "doc_type": r.doc_type, "title": r.title,
                      "date": r.date, "date_basis": r.date_basis, "visit_dates": list(r.visit_dates),
                      "grades": [{"area": g.area, "grade": g.grade, "quote": g.text} for g in r.grades],
                      "citations": list(r.citations)} for r in a.rows]}


def _generation_json(g) -> dict | None:
    if g is None:
        return None
    return {"sentences": g.sentences, "kept": g.kept, "unsupported": g.unsupported, "keys_removed": g.keys_removed,
            "fell_back": g.fell_back, "model_text": g.raw}


def search_json(query: str, hits: list[Hit], scope: str = "", loosened: tuple[str, ...] = ()) -> dict:
    return {"query": query, "scope": scope or None, "loosened": list(loosened), "passages": [hit_json(h) for h in hits]}


def verdict_json(v: Verdict) -> dict:
    return {
        "claim": v.claim,
        "verdict": v.verdict,
        "quote_status": v.quote_status,
        "evidence": [{"doc": e.doc_id, "quote": e.quote, "title": e.title, "date": e.date,
                      "source_kind": e.source_kind} for e in v.evidence],
        "reason": v.reason,
        "confidence": v.confidence,
        "attribution": v.attribution,
        "warning": v.warning or None,
        "quotes": list(v.quotes),
    }


def document_json(doc: Document) -> dict:
    m = doc.meta
    return {
        "doc": doc.doc_id,
        "title": m.title,
        "local_authority": m.local_authority,
        "doc_type": m.doc_type,
        "visit_number": m.visit_number,
        "date": m.date,
        "date_basis": m.date_basis,
        "visit_dates": list(m.visit_dates),
        "inspectors": list(m.inspectors),
        "recipient": m.recipient,
        "source_kind": m.source_kind,
        "duplicate_of": doc.duplicate_of,
        "judgements": [{"area": j.area, "grade": j.grade} for j in m.judgements],
        "outcome": {"outcome": m.outcome.grade, "sentence": m.outcome.text} if m.outcome else None,
        "pages": doc.pages,
        "path": doc.path,
    }


def event_json(e) -> dict:
    """One letter or report of a council's history (`qa.history.Event`)."""
    return {
        "doc": e.doc_id, "title": e.title, "doc_type": e.doc_type, "date": e.date, "date_basis": e.date_basis,
        "visit_dates": list(e.visit_dates), "visit_number": e.visit_number,
        "judgements": [{"area": j.area, "grade": j.grade, "quote": j.text} for j in e.judgements],
        "outcome": {"outcome": e.outcome.grade, "sentence": e.outcome.text} if e.outcome else None,
    }
