"""Check an index's dates and the national table's grades against the documents, read another way.

    python -m eval.national_check --index DIR [--manifest PATH --pdfs DIR] [--json]

Grades: every ILACS and SIF report in the national table (every graded inspection, as the National page
shows them with "every inspection") is compared, area by area, with its grade table as
`eval.aggregate_gold` reads it straight from the PDF with pypdf — a reader that shares no code with ingest.
Dates: every document of the manifest must have a date in `qa docs`, in the manifest's publication year,
or the year before for a report dated by the end of an inspection that ended late in the year
(October to December: its report came out in the new year).
Mismatches are listed for councils that are not held out; for held-out councils only their number is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eval.aggregate_gold import SHARED, GoldError, heldout_councils, read_record, slug
from eval.manifest_check import read_manifest

# The gold reader's area names -> the product's area keys (qa.grades.AREA_LABELS).
AREA_KEYS = {"overall": "overall effectiveness", "leaders": "leaders", "help_and_protection": "help and protection",
             "children_in_care": "children in care", "care_leavers": "care leavers"}
LATE_MONTH = 10  # an inspection ending in October or later is often published the next year


def check_grades(index, manifest: Path, pdfs: Path) -> dict:
    """Per report: do the national table's grades equal the PDF's grade table, area by area?"""
    from qa.history import graded_events

    table = {e.doc_id: e for e in graded_events(index.documents())}
    rows = [r for r in read_manifest(manifest).values()
            if r["doc_type"] in ("ilacs_full_inspection_report", "sif_inspection_report")]
    equal, unread, differing = 0, [], []
    for row in rows:
        try:
            gold = read_record(row, pdfs / f"{row['doc_id']}.pdf")
        except GoldError as e:
            unread.append((row["doc_id"], slug(row["local_authority"]), str(e)))
            continue
        event = table.get(row["doc_id"])
        ours: dict[str, str | None] = {}
        for area, key in AREA_KEYS.items():
            graded = event.grade(key) if event else None
            ours[area] = graded.grade if graded else None
        theirs = {area: gold.grades.get(area) for area in AREA_KEYS}
        if ours == theirs:
            equal += 1
        else:
            differing.append((row["doc_id"], slug(row["local_authority"]), ours, theirs))
    return {"reports": len(rows), "equal": equal, "unread": unread, "differing": differing}


def check_dates(index, manifest: Path) -> dict:
    """Every manifest document dated in `qa docs`, in its publication year (or the year before, as above)."""
    from qa.jsonio import document_json

    docs = {d.doc_id: document_json(d) for d in index.documents()}
    rows = list(read_manifest(manifest).values())
    dated = agree = 0
    wrong = []
    for row in rows:
        doc = docs.get(row["doc_id"])
        date = doc["date"] if doc else None
        if doc is None or not date:
            wrong.append((row["doc_id"], slug(row["local_authority"]), None, row["publication_date"]))
            continue
        dated += 1
        year, published = int(date[:4]), int(row["publication_date"][:4])
        late = doc["date_basis"] == "inspection_end" and year == published - 1 and int(date[5:7]) >= LATE_MONTH
        if year == published or late:
            agree += 1
        else:
            wrong.append((row["doc_id"], slug(row["local_authority"]), date, row["publication_date"]))
    return {"documents": len(rows), "dated": dated, "year_agrees": agree, "wrong": wrong}


def report(grades: dict, dates: dict, heldout: set[str]) -> str:
    lines = [f"grades: {grades['equal']}/{grades['reports']} ILACS and SIF reports in the national table equal their "
             f"grade table ({len(grades['unread'])} the PDF reader could not read)"]
    lines += _listed(grades["differing"], heldout, lambda d: f"  {d[0]}: ours {d[2]} pdf {d[3]}")
    lines += _listed(grades["unread"], heldout, lambda d: f"  {d[0]}: the PDF reader: {d[2]}")
    lines.append(f"dates: {dates['dated']}/{dates['documents']} documents dated; year agrees for "
                 f"{dates['year_agrees']}/{dates['documents']} ({dates['year_agrees'] / dates['documents']:.1%})")
    lines += _listed(dates["wrong"], heldout, lambda d: f"  {d[0]}: date {d[2]} published {d[3]}")
    return "\n".join(lines)


def _listed(items, heldout: set[str], line) -> list[str]:
    shown = [line(d) for d in items if d[1] not in heldout]
    hidden = sum(1 for d in items if d[1] in heldout)
    return shown + ([f"  ({hidden} about held-out councils, not shown)"] if hidden else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, default=SHARED / "ofsted" / "manifest.csv")
    parser.add_argument("--pdfs", type=Path, default=SHARED / "ofsted" / "pdf")
    parser.add_argument("--heldout", type=Path, default=SHARED / "eval" / "heldout_councils.txt")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from index.errors import IndexError_
    from index.index import Index

    try:
        index = Index.open(args.index)
    except IndexError_ as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with index:
        grades, dates = check_grades(index, args.manifest, args.pdfs), check_dates(index, args.manifest)
    heldout = heldout_councils(args.heldout)
    if args.json:
        print(json.dumps({"grades": {"reports": grades["reports"], "equal": grades["equal"],
                                     "unread": len(grades["unread"]), "differing": len(grades["differing"])},
                          "dates": {k: v for k, v in dates.items() if k != "wrong"} | {"wrong": len(dates["wrong"])}}))
    else:
        print(report(grades, dates, heldout))
    read = grades["reports"] - len(grades["unread"])
    return 0 if grades["equal"] == read and dates["dated"] == dates["documents"] else 1


if __name__ == "__main__":
    sys.exit(main())
