"""An article report: every claim of one article with its verdict, as Markdown or CSV."""

from __future__ import annotations

import csv
import io

from qa.models import Verdict

COLUMNS = ("claim", "verdict", "confidence", "quote status", "evidence letter", "evidence sentence", "reason",
           "traced to", "warning")


def rows(verdicts: list[Verdict]) -> list[dict]:
    """One flat row per claim."""
    out = []
    for v in verdicts:
        best = v.evidence[0] if v.evidence else None
        out.append({
            "claim": v.claim,
            "verdict": v.verdict,
            "confidence": v.confidence,
            "quote status": v.quote_status or "",
            "evidence letter": f"{best.title} ({best.doc_id})" if best else "",
            "evidence sentence": best.quote if best else "",
            "reason": v.reason,
            "traced to": v.attribution,
            "warning": v.warning,
        })
    return out


def to_markdown(verdicts: list[Verdict], title: str = "Claims checked") -> str:
    """A Markdown table, then each altered quotation's word diff."""
    def cell(text: str) -> str:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return escaped.replace("|", "\\|").replace("\n", " ")

    lines = [f"## {title}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows(verdicts):
        lines.append("| " + " | ".join(cell(row[c]) for c in COLUMNS) + " |")
    quotes = [q for v in verdicts for q in v.quotes]
    if quotes:
        lines += ["", "### Quotations", ""]
        for q in quotes:
            where = f" — {q['title']} ({q['doc']}): “{q['sentence']}”" if q.get("doc") else ""
            diff = f" [{q['summary']}]" if q["status"] == "altered" else ""
            lines.append(f"- “{q['quote']}”: **{q['status']}**{diff}{where}")
    return "\n".join(lines) + "\n"


def to_csv(verdicts: list[Verdict]) -> str:
    """The same rows as CSV, with a header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows(verdicts))
    return buffer.getvalue()
