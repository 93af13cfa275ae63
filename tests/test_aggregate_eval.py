"""The aggregate-question gold reader and scorer, on real BCP reports and hand-made answers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from eval.aggregate import score, summary
from eval.aggregate_gold import (
    RI,
    GoldError,
    Record,
    end_date,
    gold,
    ilacs_grades,
    named_councils,
    pdf_text,
    send_outcome,
    sif_grades,
    visit_dates_in_letter,
)

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "data" / "letters"
DATA = ROOT / "eval" / "data"
HELDOUT = ROOT.parent / "shared" / "eval" / "heldout_councils.txt"

# The opening of Coventry's 2017 SIF report, as pypdf gives it (flattened).
COVENTRY_SIF = ("Coventry City Council Re-inspection of services for children in need of help and protection, "
                "children looked after and care leavers Inspection date: 6 March to 30 March 2017 Report published: "
                "13 June 2017 Children’s services in Coventry require improvement to be good 1. Children who need "
                "help and protection Requires improvement 2. Children looked after and achieving permanence "
                "Requires improvement 2.1 Adoption performance Requires improvement 2.2 Experiences and progress "
                "of care leavers Good 3. Leadership, management and governance Requires improvement Executive summary")


def test_old_ilacs_table_grades_children_in_care_and_care_leavers_in_one_row():
    text = pdf_text(LETTERS / "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection.pdf", pages=3)
    assert ilacs_grades(text) == {
        "leaders": "Inadequate", "help_and_protection": "Inadequate",
        "children_in_care": RI, "care_leavers": RI, "overall": "Inadequate",
    }


def test_new_ilacs_table_grades_care_leavers_apart():
    text = pdf_text(LETTERS / "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection.pdf", pages=3)
    assert ilacs_grades(text) == {
        "leaders": "Good", "help_and_protection": "Good",
        "children_in_care": "Good", "care_leavers": RI, "overall": "Good",
    }


def test_sif_grades_read_the_overall_sentence_and_the_numbered_table():
    assert sif_grades(COVENTRY_SIF) == {
        "help_and_protection": RI, "children_in_care": RI, "adoption": RI,
        "care_leavers": "Good", "leaders": RI, "overall": RI,
    }


def test_a_letter_without_a_table_is_refused():
    text = pdf_text(LETTERS / "bournemouth-christchurch-poole__2019-12-18__focused-visit.pdf", pages=3)
    with pytest.raises(GoldError):
        ilacs_grades(text)


@pytest.mark.parametrize("dates, published, end", [
    ("13 May to 24 May 2019", "2019-07-01", dt.date(2019, 5, 24)),
    ("31 July and 1 August 2019", "2019-08-23", dt.date(2019, 8, 1)),
    ("11 March 2014 – 2 April 2014", "2014-05-23", dt.date(2014, 4, 2)),
    ("6 to 17 December 2021", "2022-02-11", dt.date(2021, 12, 17)),
    ("30 and 31 January", "2018-02-22", dt.date(2018, 1, 31)),
    ("11 and 12 December", "2019-01-17", dt.date(2018, 12, 12)),
])
def test_end_date_is_the_last_day_of_the_visit(dates, published, end):
    assert end_date(dates, dt.date.fromisoformat(published)) == end


def test_visit_dates_come_from_the_letter_when_the_manifest_has_none():
    text = pdf_text(LETTERS / "bournemouth-christchurch-poole__2020-11-27__focused-visit.pdf", pages=2)
    assert visit_dates_in_letter(text) == "13 October 2020"


def test_send_outcome():
    text = ("Inspection outcome The local area partnership’s arrangements lead to inconsistent experiences "
            "and outcomes for children and young people with special educational needs")
    assert send_outcome(text) == "inconsistent"


def test_gold_counts_councils_and_cites_every_matching_report():
    records = [
        Record("a__2019", "ilacs_inspection", "a", dt.date(2019, 3, 1), {"overall": "Inadequate"}),
        Record("a__2023", "ilacs_inspection", "a", dt.date(2023, 3, 1), {"overall": "Good"}),
        Record("b__2021", "sif_inspection", "b", dt.date(2021, 12, 1), {"overall": "Inadequate"}),
        Record("b__2022-fv", "focused_visit", "b", dt.date(2022, 1, 1)),
    ]
    graded = ["ilacs_inspection", "sif_inspection"]
    ever = {"id": "q", "select": {"doc_types": graded, "grades": ["Inadequate"]}, "unit": "councils"}
    assert gold(records, ever) == {"id": "q", "docs": ["a__2019", "b__2021"], "count": 2}
    now = {"id": "q", "select": {"latest": True, "doc_types": graded, "grades": ["Inadequate"]}, "unit": "councils"}
    assert gold(records, now) == {"id": "q", "docs": ["b__2021"], "count": 1}
    history = {"id": "q", "select": {"council": "b"}}
    assert gold(records, history)["count"] == 2


def test_scorer_precision_recall_and_count():
    question = {"id": "q1", "kind": "list"}
    gold_row = {"id": "q1", "docs": ["b", "c"], "count": 2}
    answer = {"citations": [{"doc": "a"}, {"doc": "b"}, {"doc": "b"}], "aggregate": {"count": 2}}
    s = score(question, answer, gold_row)
    assert (s.precision, s.recall, s.count, s.count_right, s.exact) == (0.5, 0.5, 2, True, False)

    exact = score(question, {"citations": [{"doc": "b"}, {"doc": "c"}], "aggregate": {"count": 3}}, gold_row)
    assert (exact.precision, exact.recall, exact.count_right, exact.exact) == (1.0, 1.0, False, True)

    bare = score(question, {"citations": []}, gold_row)
    assert (bare.precision, bare.recall, bare.count, bare.count_right) == (0.0, 0.0, None, False)

    figures = summary([s, exact, bare])
    assert figures["n"] == 3 and figures["exact"] == 1 and figures["counts_right"] == 1
    assert figures["precision"] == pytest.approx(0.5) and figures["recall"] == pytest.approx(0.5)
    assert figures["by_kind"]["list"]["n"] == 3


def test_dev_set_has_gold_for_every_question_and_the_kinds_asked_for():
    questions = [json.loads(line) for line in (DATA / "aggregate.jsonl").read_text().splitlines() if line.strip()]
    golds = [json.loads(line) for line in (DATA / "aggregate-gold.jsonl").read_text().splitlines() if line.strip()]
    assert [q["id"] for q in questions] == [g["id"] for g in golds]
    kinds = [q["kind"] for q in questions]
    assert kinds.count("list") >= 5 and kinds.count("count") >= 5
    assert kinds.count("timeline") >= 4 and kinds.count("compare") >= 3
    assert all(g["docs"] for g in golds)


def test_dev_set_names_no_held_out_council():
    if not HELDOUT.exists():
        pytest.skip("no held-out council list here")
    heldout = set(HELDOUT.read_text().split())
    sets = ["aggregate", "aggregate-fresh", "aggregate-blind", "aggregate-third"]
    questions = [json.loads(line) for name in sets for line in (DATA / f"{name}.jsonl").read_text().splitlines()
                 if line.strip()]
    golds = [json.loads(line) for name in sets for line in (DATA / f"{name}-gold.jsonl").read_text().splitlines()
             if line.strip()]
    assert len(questions) == len(golds) >= 90
    assert not set().union(*(named_councils(q) for q in questions)) & heldout
    assert not {doc.split("__")[0] for g in golds for doc in g["docs"]} & heldout
    words = " ".join(q["question"].lower() for q in questions)
    assert not [c for c in heldout if re.search(rf"\b{c.replace('-', ' ')}\b", words)]
