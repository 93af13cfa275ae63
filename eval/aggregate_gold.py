"""Gold answers for aggregate questions, read straight from the manifest and the PDFs.

    .venv/bin/python -m eval.aggregate_gold [--show]

Deliberately independent of `ingest/`, `index/` and `qa/` (pypdf and plain regexes only),
so that scoring the product against these answers is not circular.

Semantics (the answering side follows the same rules):

- Document types: the manifest's types map to ilacs_inspection, sif_inspection,
  focused_visit, jtai and area_send (`DOC_TYPES`). "Inspection(s)" / "full
  inspection(s)" are the graded reports: ilacs_inspection and sif_inspection.
- Grades come from each graded report's own judgement table: Outstanding, Good,
  Requires improvement to be good (SIF's older "Requires improvement" is the same
  grade), Inadequate. "Below good" is Requires improvement to be good or Inadequate.
- Judgement areas: `overall` (ILACS "Overall effectiveness"; SIF "Children's services in
  X are ..." / "The overall judgement is ..."), `leaders` (ILACS "The impact of leaders
  on social work practice ..."; SIF "Leadership, management and governance"),
  `help_and_protection` ("... children who need help and protection"),
  `children_in_care` (ILACS "... children in care ..."; SIF "Children looked after and
  achieving permanence"), `care_leavers` (ILACS "... care leavers"; SIF "Experiences and
  progress of care leavers") and `adoption` (SIF "Adoption performance" only). Older
  ILACS reports grade "children in care and care leavers" in one row: that grade is both
  the `children_in_care` and the `care_leavers` grade.
- Area SEND outcome, from the sentence after "Inspection outcome": `positive` ("typically
  lead to positive experiences and outcomes"), `inconsistent` ("lead to inconsistent
  experiences and outcomes"), `significant_concerns` ("widespread and/or systemic
  failings leading to significant concerns"). JTAI letters carry no grades.
- A year is the year of the last day of the inspection or visit (never the publication
  year). Dates come from the manifest; where it has none, from the letter's own
  "findings of a focused visit to ... on <dates>" sentence. A range of years takes in
  both ends: "between 2019 and 2021" is 2019, 2020 and 2021; "since 2022" is 2022 and
  every later year.
- A council's latest inspection is its graded report with the latest end date;
  `latest` picks it before any grade or year condition is applied. Only "currently",
  "latest" or a comparison limit a question to latest inspections; "were judged",
  "rated" and the like cover every inspection.
- Timelines: "how has X done across its inspections" / "X's grades over time" are its
  graded reports; "X's visits and inspections over time" / "X's history" are all its
  documents of any type; "X's focused visits" are its focused visits.
- `count` counts distinct councils for "which / how many councils" questions, areas for
  "which areas" questions (judgement areas other than overall), otherwise documents.
- Cited documents are every document the answer rests on: for lists and counts every
  matching document (for council questions, the matching reports); for a timeline the
  council's documents of the asked types; for a comparison each named council's latest
  inspection.

Each question in the questions file carries its gold as a declarative spec:
`"select": {"doc_types", "council" | "councils", "year", "area", "grades",
"send_outcome", "latest"}` (`year` is one year or a `[first, last]` range, either end
null when open) and `"unit": "councils" | "documents" | "areas"` (what `count`
counts). `area` defaults to `overall` when `grades` is given; `"any"` means any area but
overall. Conditions combine with AND.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"

DOC_TYPES = {
    "ilacs_full_inspection_report": "ilacs_inspection",
    "ilacs_focused_visit_letter": "focused_visit",
    "jtai_letter": "jtai",
    "area_send_report": "area_send",
    "sif_inspection_report": "sif_inspection",
}
GRADED = ("ilacs_inspection", "sif_inspection")
RI = "Requires improvement to be good"
GRADES = ("Outstanding", "Good", RI, "Inadequate")
AREAS = {
    "ilacs_inspection": ("overall", "leaders", "help_and_protection", "children_in_care", "care_leavers"),
    "sif_inspection": ("overall", "leaders", "help_and_protection", "children_in_care", "care_leavers", "adoption"),
}
GRADE_RE = r"Outstanding|Good|Requires improvement(?: to be good)?|Inadequate"
MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
SEND_OUTCOMES = {
    "positive": "typically lead to positive experiences and outcomes",
    "inconsistent": "lead to inconsistent experiences and outcomes",
    "significant_concerns": "widespread and/or systemic failings leading to significant concerns",
}


class GoldError(Exception):
    """A document or spec the gold reader cannot make sense of."""


@dataclass(frozen=True)
class Record:
    """One document as the gold sees it."""

    doc: str
    doc_type: str
    council: str
    end: dt.date
    grades: dict[str, str] = field(default_factory=dict)
    send_outcome: str | None = None


def slug(name: str) -> str:
    """A council's slug: 'Telford & Wrekin' -> 'telford-wrekin'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def flat(text: str) -> str:
    """Text with every run of whitespace made one space."""
    return " ".join(text.split())


def pdf_text(path: Path, pages: int | None = None) -> str:
    """The flattened text of a PDF's first `pages` pages (all when None)."""
    reader = PdfReader(path)
    return flat(" ".join(page.extract_text() or "" for page in reader.pages[:pages]))


def normal_grade(grade: str) -> str:
    """'requires improvement' -> 'Requires improvement to be good'; others capitalised."""
    grade = grade.strip().lower()
    return RI if grade.startswith("requires improvement") else grade.capitalize()


def end_date(dates: str, published: dt.date) -> dt.date | None:
    """The last day of a dates text: '31 July and 1 August 2019' -> 2019-08-01.

    A text with no year ('30 and 31 January') takes the year of publication, less one
    when the month falls after the publication month.
    """
    days = re.findall(r"(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")(?:\s+(\d{4}))?", dates)
    if not days:
        return None
    day, month, year = days[-1]
    years = re.findall(r"\b(20\d\d)\b", dates)
    if year or years:
        year = int(year or years[-1])
    else:
        year = published.year - (MONTHS[month] > published.month)
    return dt.date(year, MONTHS[month], int(day))


def visit_dates_in_letter(text: str) -> str:
    """The dates of a letter's 'findings of a focused visit to ... on <dates>.' sentence."""
    found = re.search(r"findings of an? [\w ]*?visit to .{0,120}? on ([^.]{4,60}?)\.", text)
    return found.group(1) if found else ""


def area_of(label: str) -> tuple[str, ...]:
    """The judgement area(s) a grade-table label names, () when none."""
    label = label.lower()
    if "overall" in label:
        return ("overall",)
    if "leaders" in label or "leadership" in label:
        return ("leaders",)
    if "adoption" in label:
        return ("adoption",)
    if "help and" in label or "protection" in label:
        return ("help_and_protection",)
    if re.search(r"in care and\b", label):
        return ("children_in_care", "care_leavers")
    if "care leavers" in label or label.strip().endswith("leavers"):
        return ("care_leavers",)
    if "in care" in label or "looked after" in label:
        return ("children_in_care",)
    return ()


def ilacs_grades(text: str) -> dict[str, str]:
    """Grades of an ILACS report's judgement table, by area."""
    start = text.find("Judgement Grade")
    stop = re.search(r"Overall effectiveness\s+(" + GRADE_RE + ")", text[start:])
    if start < 0 or not stop:
        raise GoldError("no ILACS judgement table")
    return table_grades(text[start + len("Judgement Grade"):start + stop.end()])


def sif_grades(text: str) -> dict[str, str]:
    """Grades of a SIF report: its overall sentence and its numbered judgement table."""
    overall = re.search(r"Children[’']s services in .{3,80}? (?:are|is|require) (outstanding|good|inadequate|"
                        r"improvement to be good)|The overall judgement is (outstanding|good|requires improvement|"
                        r"inadequate)", text)
    table = re.search(r"1\. Children who need help and protection .*?3\. Leadership, management and governance\s+(?:"
                      + GRADE_RE + ")", text)
    if not overall or not table:
        raise GoldError("no SIF judgement table")
    grades = table_grades(table.group(0))
    said = overall.group(1) or overall.group(2)
    grades["overall"] = normal_grade("requires " + said if said.startswith("improvement") else said)
    return grades


def table_grades(table: str) -> dict[str, str]:
    """Alternating 'label grade label grade ...' text as {area: grade}."""
    parts = re.split("(" + GRADE_RE + ")", table)
    grades: dict[str, str] = {}
    for label, grade in zip(parts[0::2], parts[1::2]):
        areas = area_of(label)
        if not areas:
            raise GoldError(f"grade {grade!r} after an unknown label {label!r}")
        for area in areas:
            grades[area] = normal_grade(grade)
    return grades


def send_outcome(text: str) -> str:
    """The outcome kind of an area SEND report."""
    start = text.find("Inspection outcome")
    sentence = text[start:start + 400] if start >= 0 else ""
    for kind, words in SEND_OUTCOMES.items():
        if words in sentence:
            return kind
    raise GoldError("no area SEND outcome")


def read_record(row: dict[str, str], pdf: Path) -> Record:
    """One manifest row and its PDF as a `Record`."""
    doc_type = DOC_TYPES[row["doc_type"]]
    published = dt.date.fromisoformat(row["publication_date"])
    grades, outcome, dates = {}, None, row["visit_or_inspection_dates"]
    if doc_type in GRADED:
        text = pdf_text(pdf, pages=3)
        grades = ilacs_grades(text) if doc_type == "ilacs_inspection" else sif_grades(text)
        missing = set(AREAS[doc_type]) - set(grades)
        if missing:
            raise GoldError(f"no grade for {sorted(missing)}")
    elif doc_type == "area_send":
        outcome = send_outcome(pdf_text(pdf, pages=3))
    if not dates.strip():
        dates = visit_dates_in_letter(pdf_text(pdf, pages=2))
    end = end_date(dates, published)
    if end is None:
        raise GoldError(f"no visit or inspection dates in {dates!r}")
    return Record(row["doc_id"], doc_type, slug(row["local_authority"]), end, grades, outcome)


def heldout_councils(path: Path) -> set[str]:
    """The held-out council slugs (none when the file is absent)."""
    return set(path.read_text().split()) if path.exists() else set()


def load_records(manifest: Path, pdfs: Path, heldout: set[str]) -> tuple[list[Record], list[str]]:
    """Every non-held-out document as a `Record`, and the problems met on the way."""
    records, problems = [], []
    with manifest.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if slug(row["local_authority"]) in heldout:
                continue
            try:
                records.append(read_record(row, pdfs / f"{row['doc_id']}.pdf"))
            except GoldError as err:
                problems.append(f"{row['doc_id']}: {err}")
    return records, problems


def named_councils(question: dict) -> set[str]:
    """The council slugs a question's spec names."""
    spec = question["select"]
    return set(spec.get("councils", [])) | ({spec["council"]} if "council" in spec else set())


def latest_inspections(records: list[Record]) -> set[str]:
    """Doc ids of each council's graded report with the latest end date."""
    latest: dict[str, Record] = {}
    for rec in records:
        if rec.doc_type in GRADED and (rec.council not in latest or rec.end > latest[rec.council].end):
            latest[rec.council] = rec
    return {rec.doc for rec in latest.values()}


def matching_areas(rec: Record, area: str | None, grades: list[str]) -> list[str]:
    """The areas of `rec` (one named area, or any but overall) graded one of `grades`."""
    areas = [area] if area and area != "any" else [a for a in rec.grades if a != "overall"]
    return [a for a in areas if rec.grades.get(a) in grades]


def year_range(year: int | list) -> tuple[int | None, int | None]:
    """A spec's year as (first, last): 2021 -> (2021, 2021); [2022, None] -> (2022, None)."""
    if isinstance(year, int):
        return year, year
    if isinstance(year, list) and len(year) == 2 and all(y is None or isinstance(y, int) for y in year):
        return year[0], year[1]
    raise GoldError(f"a year is an int or a [first, last] range, not {year!r}")


def select(records: list[Record], spec: dict) -> list[Record]:
    """The records a question's `select` spec picks."""
    known = {"doc_types", "council", "councils", "year", "area", "grades", "send_outcome", "latest"}
    if set(spec) - known:
        raise GoldError(f"unknown select keys {sorted(set(spec) - known)}; known: {sorted(known)}")
    bad = set(spec.get("grades", [])) - set(GRADES)
    if bad:
        raise GoldError(f"unknown grades {sorted(bad)}; known: {GRADES}")
    areas = set(AREAS["sif_inspection"]) | {"any"}
    if spec.get("area", "any") not in areas:
        raise GoldError(f"unknown area {spec['area']!r}; known: {sorted(areas)}")
    councils = named_councils({"select": spec})
    picked = [r for r in records if not councils or r.council in councils]
    if spec.get("latest"):
        latest = latest_inspections(picked)
        picked = [r for r in picked if r.doc in latest]
    if "doc_types" in spec:
        picked = [r for r in picked if r.doc_type in spec["doc_types"]]
    if "year" in spec:
        first, last = year_range(spec["year"])
        picked = [r for r in picked if (first is None or r.end.year >= first) and (last is None or r.end.year <= last)]
    if "grades" in spec:
        picked = [r for r in picked if matching_areas(r, spec.get("area", "overall"), spec["grades"])]
    if "send_outcome" in spec:
        picked = [r for r in picked if r.send_outcome == spec["send_outcome"]]
    return picked


def gold(records: list[Record], question: dict) -> dict:
    """{"id", "docs", "count"} for one question with its `select` and `count` spec."""
    picked = select(records, question["select"])
    unit = question.get("unit", "documents")
    if unit == "councils":
        count = len({r.council for r in picked})
    elif unit == "areas":
        spec = question["select"]
        count = sum(len(matching_areas(r, spec.get("area", "any"), spec["grades"])) for r in picked)
    elif unit == "documents":
        count = len(picked)
    else:
        raise GoldError(f"unknown count unit {unit!r}; known: councils, areas, documents")
    return {"id": question["id"], "docs": sorted(r.doc for r in picked), "count": count}


def show(records: list[Record]) -> None:
    """Print every graded report's grades and every area SEND outcome, for eyeballing."""
    for rec in sorted(records, key=lambda r: (r.council, r.end)):
        if rec.grades:
            print(f"{rec.doc:55} {rec.end}  " + "; ".join(f"{a}={g}" for a, g in rec.grades.items()))
        elif rec.send_outcome:
            print(f"{rec.doc:55} {rec.end}  send={rec.send_outcome}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.aggregate_gold", description=__doc__.split("\n")[0])
    parser.add_argument("--manifest", type=Path, default=SHARED / "ofsted" / "manifest.csv")
    parser.add_argument("--pdfs", type=Path, default=SHARED / "ofsted" / "pdf", help="folder of <doc_id>.pdf")
    parser.add_argument("--heldout", type=Path, default=SHARED / "eval" / "heldout_councils.txt")
    parser.add_argument("--questions", type=Path, default=DATA / "aggregate.jsonl")
    parser.add_argument("--out", type=Path, default=DATA / "aggregate-gold.jsonl")
    parser.add_argument("--show", action="store_true", help="print the grades and outcomes read")
    args = parser.parse_args(argv)

    heldout = heldout_councils(args.heldout)
    records, problems = load_records(args.manifest, args.pdfs, heldout)
    if args.show:
        show(records)
    graded = [r for r in records if r.doc_type in GRADED]
    print(f"{len(records)} documents; grade tables read: "
          f"{sum(r.doc_type == 'ilacs_inspection' for r in graded)} ILACS, "
          f"{sum(r.doc_type == 'sif_inspection' for r in graded)} SIF", file=sys.stderr)
    for problem in problems:
        print(f"could not read {problem}", file=sys.stderr)

    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    named = set().union(*(named_councils(q) for q in questions))
    if named & heldout:
        raise GoldError(f"questions name held-out councils: {sorted(named & heldout)}")
    rows = [gold(records, q) for q in questions]
    args.out.write_text("".join(json.dumps(row) + "\n" for row in rows))
    print(f"{len(rows)} gold answers -> {args.out}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
