"""Pure helpers for the Council and National pages: table rows, labels and colours for a council's history
and everyone's grades (qa.history gives the events; nothing here touches Streamlit).

grade_row(event) -> {"council": "…", "inspection ended": "2024-12-13", "Overall effectiveness": "Good", …}
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ingest.judgements import GRADE_NAMES, OUTCOMES
from qa.history import AREA_LABELS, Event

KIND_LABELS = {
    "focused_visit": "Focused visit",
    "monitoring_visit": "Monitoring visit",
    "ilacs_inspection": "ILACS inspection",
    "sif_inspection": "SIF inspection",
    "jtai": "Joint targeted inspection",
    "area_send": "Area SEND inspection",
    "other": "Other letter",
}
UNGRADED = "Not graded"
NO_OVERALL = "No overall grade"  # an older (SIF) report that grades areas but gives no overall judgement
# The grades best first, green to red, then area SEND outcomes; the order every legend and stack keeps.
GRADE_COLOURS = {
    "Outstanding": "#1b7837",
    "Good": "#5aae61",
    "Requires improvement to be good": "#f1a340",
    "Inadequate": "#d73027",
    OUTCOMES[0]: "#4575b4",  # positive experiences and outcomes
    OUTCOMES[1]: "#fdae61",  # inconsistent
    OUTCOMES[2]: "#a50026",  # significant concerns
    NO_OVERALL: "#7a7a7a",
    UNGRADED: "#b0b0b0",
}
OTHER_GRADE = "#5c5f66"
GRADES = GRADE_NAMES
STATUS_COLOURS = {"improved": "#2b8a3e", "not yet": "#d9480f", "mentioned": "#1c7ed6", "not mentioned": "#5c5f66"}


def kind_label(doc_type: str) -> str:
    return KIND_LABELS.get(doc_type, doc_type.replace("_", " ").capitalize())


def overall(event: Event) -> str:
    """The grade a timeline colours an event by: overall effectiveness, an area SEND outcome, or none."""
    row = event.grade("overall effectiveness")
    if row is not None:
        return row.grade
    if event.outcome is not None:
        return event.outcome.grade
    return NO_OVERALL if event.judgements else UNGRADED


def dated(event: Event) -> str:
    """'2024-12-13 (inspection ended)' for a report dated by its inspection, else its own date."""
    if not event.date:
        return ""
    return f"{event.date} (inspection ended)" if event.date_basis == "inspection_end" else event.date


def visit_span(event: Event) -> str:
    """'2024-12-02 to 2024-12-13', or the one day, or ''."""
    days = event.visit_dates
    if not days:
        return ""
    return days[0] if len(days) == 1 or days[0] == days[-1] else f"{days[0]} to {days[-1]}"


def grades_summary(event: Event) -> str:
    """'Overall effectiveness: Good; Leaders: Good; …', an area SEND outcome, or ''."""
    parts = [f"{label}: {row.grade}" for key, label in AREA_LABELS.items() if (row := event.grade(key))]
    if event.outcome is not None:
        parts.append(f"Outcome: {event.outcome.grade}")
    return "; ".join(parts)


def timeline_rows(events: Iterable[Event]) -> list[dict]:
    """One mark per visit or inspection: when it ended, its lane, its colour, and what its tooltip says."""
    return [{"ended": e.ended, "kind": kind_label(e.doc_type), "grade": overall(e), "title": e.title,
             "date": dated(e), "visit": visit_span(e), "grades": grades_summary(e) or UNGRADED, "doc id": e.doc_id}
            for e in events if e.ended]


def grade_row(event: Event) -> dict:
    """A graded report as a table row: council, when the inspection ended, each area's grade, title, id."""
    row = {"council": event.council, "inspection ended": event.ended}
    for key, label in AREA_LABELS.items():
        graded = event.grade(key)
        row[label] = graded.grade if graded else ""
    row["title"] = event.title
    row["doc id"] = event.doc_id
    return row


def grade_rows(events: Iterable[Event], council: str = "", grades: Iterable[str] = ()) -> list[dict]:
    """The graded reports as rows, in the order given, kept when the council's name holds `council` (any
    case) and, if grades are chosen, the overall grade is one of them."""
    wanted, chosen = council.strip().casefold(), set(grades)
    rows = [grade_row(e) for e in events]
    return [r for r in rows if wanted in r["council"].casefold()
            and (not chosen or r[AREA_LABELS["overall effectiveness"]] in chosen)]


def rows_csv(rows: list[dict]) -> str:
    """Table rows as CSV with a header (the first row's keys); '' for no rows."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def year_rows(counts: Iterable[tuple[int, str, int]]) -> list[dict]:
    """grades_by_year's (year, grade, n) as rows for a stacked bar chart."""
    order = {g: n for n, g in enumerate(GRADE_COLOURS)}
    return [{"year": str(year), "grade": grade, "reports": n, "order": order.get(grade, len(order))}
            for year, grade, n in counts]
