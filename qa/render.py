"""Plain-text renderings for the terminal."""

from __future__ import annotations

import textwrap

from ingest.models import Document
from qa.models import Answer, Hit, Verdict


def scope_text(scope: str, loosened: tuple[str, ...], found: bool) -> str:
    """What a search was limited to, what of it was not applied, and a word when nothing matched."""
    lines = [f"scope: {scope}"] if scope else []
    lines += [f"note: {note}" for note in loosened]
    if not found:
        lines.append("no passage matches" + (" the filters given" if scope else ""))
    return "\n".join(lines) + ("\n" if lines else "")


def answer_text(answer: Answer) -> str:
    lines = [answer.text]
    if answer.reason:
        lines.append(f"({answer.reason})")
    lines += [f"(note: {note})" for note in answer.loosened]
    for c in answer.citations:
        where = ", ".join(x for x in (c.title, c.date, c.section) if x)
        lines.append(f"[{c.n}] {where}")
    return "\n".join(lines) + "\n"


def hits_text(hits: list[Hit]) -> str:
    out = []
    for h in hits:
        out.append(f"{h.rank}. {h.doc.meta.title} ({h.doc.doc_id}) — {h.chunk.section or ''} [{h.score:.3f}]")
        out.append(textwrap.indent(textwrap.fill(h.chunk.text, 100), "   "))
    return "\n".join(out) + "\n"


def verdicts_text(verdicts: list[Verdict]) -> str:
    out = []
    for v in verdicts:
        quote = f", quote {v.quote_status}" if v.quote_status else ""
        out.append(f"- {v.claim}\n  {v.verdict.upper()}{quote}: {v.reason}")
        for e in v.evidence[:1]:
            out.append(f"  evidence: {e.title} ({e.doc_id}): “{e.quote}”")
    return "\n".join(out) + "\n"


def document_line(doc: Document) -> str:
    m = doc.meta
    dup = f" (copy of {doc.duplicate_of})" if doc.duplicate_of else ""
    return f"{doc.doc_id}\t{m.date or '-'}\t{m.doc_type}\t{m.source_kind}\t{m.title}{dup}"
