"""An answer as a file to keep: Markdown to read, CSV of its citations, JSON as the command line gives it.

answer_csv(answer) -> "n,doc,title,date,section,quote\r\n1,001_48f9…,Monitoring visit …,2024-01-12,,Caseloads …"
"""

from __future__ import annotations

import csv
import io
import json

from qa.jsonio import answer_json
from qa.models import Aggregate, Answer

CSV_COLUMNS = ("n", "doc", "title", "date", "section", "quote")
AGGREGATE_COLUMNS = ("council", "document", "title", "date", "grades")
ABSTAINED = "The indexed letters do not address this."


def grades_text(grades) -> str:
    """'Overall effectiveness: Good; Leaders: Good' from grade-table rows (or an outcome)."""
    return "; ".join(f"{g.area}: {g.grade}" for g in grades)


def aggregate_rows(aggregate: Aggregate) -> list[dict]:
    """One row per document an answer about many documents rests on."""
    return [{"council": r.council, "document": r.doc_id, "title": r.title, "date": r.date or "",
             "grades": grades_text(r.grades)} for r in aggregate.rows]


def aggregate_line(aggregate: Aggregate) -> str:
    """'3 documents: full inspections (ILACS and SIF) whose inspection dates fall in 2023' (plain text)."""
    unit = aggregate.unit[:-1] if aggregate.count == 1 and aggregate.unit.endswith("s") else aggregate.unit
    return f"{aggregate.count} {unit}: {aggregate.rule}"


def citation_rows(answer: Answer) -> list[dict]:
    return [{"n": c.n, "doc": c.doc_id, "title": c.title, "date": c.date or "", "section": c.section or "",
             "quote": c.quote} for c in answer.citations]


def answer_csv(answer: Answer) -> str:
    """One row per citation: n, doc, title, date, section, quote."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(citation_rows(answer))
    return buffer.getvalue()


def answer_json_text(answer: Answer) -> str:
    """The answer as `python -m qa ask --json` writes it."""
    return json.dumps(answer_json(answer), ensure_ascii=False, indent=2) + "\n"


def _cell(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def _quoted(text: str) -> str:
    """Letter words as a Markdown quotation that stays plain text in any Markdown viewer."""
    return "> " + _cell(" ".join(text.split()))


def answer_markdown(answer: Answer) -> str:
    """The question, the answer, the documents of an answer about many, and every citation quoted in full."""
    lines = [f"## {_cell(answer.question)}", ""]
    if answer.scope:
        lines += [f"*Understood scope: {_cell(answer.scope)}*", ""]
    lines += [_cell(ABSTAINED if answer.abstained else answer.text), ""]
    if answer.abstained and answer.reason:
        lines += [f"Reason: {_cell(answer.reason)}", ""]
    if answer.aggregate is not None:
        lines += [f"### {_cell(aggregate_line(answer.aggregate))}", "",
                  "| " + " | ".join(AGGREGATE_COLUMNS) + " |", "|" + "---|" * len(AGGREGATE_COLUMNS)]
        lines += ["| " + " | ".join(_cell(str(row[c])) for c in AGGREGATE_COLUMNS) + " |"
                  for row in aggregate_rows(answer.aggregate)]
        lines.append("")
    if answer.citations:
        lines += ["### Citations", ""]
        for c in answer.citations:
            where = " · ".join(x for x in (c.title, c.date, c.section, c.doc_id) if x)
            lines += [f"**[{c.n}]** {_cell(where)}", "", _quoted(c.quote), ""]
    return "\n".join(lines)
