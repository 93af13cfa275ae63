"""Questions about many documents, answered from every matching document's metadata and grade lines, over a
real index of the bundled BCP letters and three real reports of other councils."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa import jsonio
from qa.aggregate_question import ANY_AREA, BELOW_GOOD, GRADED, read_selection

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
BCP = "Bournemouth, Christchurch and Poole"
COUNCILS = {BCP, "Bexley", "Bury", "Wigan", "Sandwell", "Coventry"}
REPORTS = ["bexley__2014-05-23__sif-inspection.pdf", "bexley__2018-08-20__ilacs-inspection.pdf",
           "bury__2024-05-07__area-send.pdf"]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    from index.index import Index
    from ingest.pipeline import ingest
    from qa.service import QA

    folder = tmp_path_factory.mktemp("many")
    index = Index.open(folder, create=True)
    report = ingest([ROOT / "data" / "letters", *(DATA / name for name in REPORTS)], index)
    assert not report.failed, report.failed
    yield QA(index)
    index.close()


# ---------------------------------------------------------------- reading the question

@pytest.mark.parametrize("question, kind, unit", [
    ("Which councils were rated good overall in 2021?", "list", "councils"),
    ("How many full inspections found children's services requires improvement?", "count", "documents"),
    ("Which areas were graded below good in Coventry's latest inspection?", "list", "areas"),
    ("Compare Wigan and Sandwell", "compare", "documents"),
    ("How has Sandwell done across its inspections?", "timeline", "documents"),
    ("List every focused visit to Wigan", "list", "documents"),
    ("Which area SEND inspections found significant concerns?", "list", "documents"),
    ("How many local authorities are currently rated below good?", "count", "councils"),
    ("Tell me which LAs had leaders judged inadequate at their most recent ILACS inspection", "list", "councils"),
    ("Are any councils rated inadequate for looked-after children at the moment?", "list", "councils"),
    ("In Coventry's most recent inspection, which areas were judged inadequate?", "list", "areas"),
    ("How often has Wigan been judged outstanding?", "count", "documents"),
    ("Has Bexley ever been rated outstanding?", "list", "documents"),
    ("What's Bury's Ofsted story?", "timeline", "documents"),
    ("Walk me through Wigan's focused visits", "timeline", "documents"),
    ("Who's doing better, Wigan or Sandwell?", "compare", "documents"),
    ("Is Coventry doing better or worse than Sandwell?", "compare", "documents"),
    ("Line up Wigan and Bury's latest Ofsted grades", "compare", "documents"),
    ("count the SEND inspectons rated inconsistent in 2024", "count", "documents"),  # a typo
    ("Which parts of Coventry's children's services were found inadequate last time round?", "list", "areas"),
    ("Chart Wigan's Ofsted visits and inspections from 2020 onwards", "timeline", "documents"),
    ("Rank Sandwell, Coventry and Wigan by their latest Ofsted grades", "compare", "documents"),
    ("any LAs judged inadequate overall in 2021", "list", "councils"),
    ("Where were services for looked after children rated outstanding in 2018?", "list", "councils"),
])
def test_questions_about_many_documents_are_read(question, kind, unit):
    s = read_selection(question, COUNCILS)
    assert s is not None and (s.kind, s.unit) == (kind, unit)


def test_the_parts_of_a_selection():
    s = read_selection("Which councils were rated good overall in 2021?", COUNCILS)
    assert (s.doc_types, s.years, s.area, s.grades, s.latest) == (GRADED, (2021,), "overall effectiveness", ("Good",), False)
    s = read_selection("Which areas were graded below good in Coventry's latest inspection?", COUNCILS)
    assert (s.councils, s.area, s.grades, s.latest) == (("Coventry",), ANY_AREA, BELOW_GOOD, True)
    s = read_selection("How many local authorities are currently rated below good?", COUNCILS)
    assert s.latest and s.grades == BELOW_GOOD
    s = read_selection("Show Wigan's visits and inspections over time", COUNCILS)
    assert (s.kind, s.doc_types) == ("timeline", ())
    s = read_selection("How many SEND inspections have been done since the start of 2024?", COUNCILS)
    assert (s.doc_types, s.first_year, s.years) == (("area_send",), 2024, ())
    s = read_selection("How many full ILACS inspections were carried out in 2022?", COUNCILS)
    assert s.doc_types == ("ilacs_inspection",)
    s = read_selection("Are any councils rated inadequate for looked-after children at the moment?", COUNCILS)
    assert (s.area, s.latest) == ("children in care", True)
    s = read_selection("Which councils are rated inadequate?", COUNCILS)
    assert s.latest  # the present tense asks what they are rated now
    assert not read_selection("Which councils were rated inadequate in 2021?", COUNCILS).latest
    s = read_selection("How many areas were graded in Bury's latest inspection?", COUNCILS)
    assert (s.unit, s.area, s.grades) == ("areas", ANY_AREA, ())
    s = read_selection("count the SEND inspectons rated inconsistent in 2024", COUNCILS)
    assert (s.doc_types, s.outcomes, s.years) == (("area_send",), ("Inconsistent experiences and outcomes",), (2024,))
    s = read_selection("Pull up the JTAI letters for inspections that took place before 2020", COUNCILS)
    assert (s.kind, s.doc_types, s.last_year) == ("list", ("jtai",), 2019)
    s = read_selection("How many times has Ofsted been into Wigan, counting every visit and inspection?", COUNCILS)
    assert (s.kind, s.doc_types) == ("count", ())
    s = read_selection("Has any council ever been judged outstanding for adoption?", COUNCILS)
    assert (s.kind, s.area, s.grades) == ("list", "adoption", ("Outstanding",))
    s = read_selection("How has the grade for Bury care leavers changed between 2019 and 2024?", COUNCILS)
    assert (s.kind, s.area, s.first_year, s.last_year) == ("timeline", "care leavers", 2019, 2024)


@pytest.mark.parametrize("question", [
    "What did inspectors say about PA caseloads?",
    "Which councils had problems with PA caseloads?",  # a topic of its own: the passages answer it
    "Has Blackpool's front door improved since 2021?",
    "Was every area outstanding in Bexley's 2023 inspection?",  # yes or no
    "What did the monitoring visits to Bury find after it was judged inadequate?",
    "How have services for Wigan care leavers changed since 2018?",
    "Who were the inspectors on the second monitoring visit?",
    "How many children were in care in Coventry when it was inspected in 2022?",  # a figure, not a count of letters
    "Have things got better for Bury's care leavers since the 2022 inspection?",
    "Sandwell was rated 'requires improvement' overall in 2022, but what grade did leadership get?",
    "Which councils were criticised for drift?",
    # a selection of documents cannot say these exactly: they go to the passages rather than get a wrong count
    "Which councils improved from inadequate to good?",
    "How many councils were not inspected in 2022?",
    "Which councils have not had a focused visit?",
    "Which councils were rated outstanding in every area?",
    "Which councils have had more than one ILACS inspection?",
    "Which council has the most focused visits?",
    "Which was the first council rated outstanding?",
    "Which councils have only ever been rated good?",
    "Which councils are rated better than Bury?",
    "",
])
def test_questions_about_what_letters_say_are_left_to_the_passages(question):
    assert read_selection(question, COUNCILS) is None


# ---------------------------------------------------------------- answering over a real index

def _docs(answer) -> set[str]:
    return {c.doc_id for c in answer.citations}


def _verbatim(qa, answer) -> None:
    for c in answer.citations:
        assert qa.index.document(c.doc_id).text[c.start:c.end] == c.quote


def test_a_list_cites_every_matching_report_by_its_grade_line(many):
    answer = many.ask("Which councils were judged inadequate overall?")
    a = answer.aggregate
    assert a is not None and a.kind == "list" and a.unit == "councils"
    assert _docs(answer) == {"bournemouth-christchurch-poole__2022-02-11__ilacs-inspection"}
    assert a.count == 1 and [c.quote for c in answer.citations] == ["Overall effectiveness Inadequate"]
    assert "graded Inadequate for overall effectiveness" in a.rule and a.rule in answer.text
    _verbatim(many, answer)


def test_a_count_over_ilacs_and_sif_reports(many):
    answer = many.ask("How many inspections found children's services requires improvement?")
    # the SIF report states its overall judgement in a sentence: "The overall judgement is requires improvement."
    assert _docs(answer) == {"bexley__2014-05-23__sif-inspection"}
    assert answer.aggregate.count == 1 and answer.text.startswith("1 document match")
    answer = many.ask("How many inspections rated the impact of leaders as outstanding?")
    assert _docs(answer) == {"bexley__2018-08-20__ilacs-inspection"} and answer.aggregate.count == 1
    assert answer.citations[0].quote.startswith("The impact of leaders") and answer.citations[0].quote.endswith("Outstanding")


def test_each_councils_latest_inspection(many):
    answer = many.ask("Which councils are currently rated good or better?")
    assert _docs(answer) == {"bournemouth-christchurch-poole__2025-01-29__ilacs-inspection",
                             "bexley__2018-08-20__ilacs-inspection"}
    assert answer.aggregate.count == 2
    answer = many.ask("Which areas were graded below good in Bournemouth, Christchurch and Poole's latest inspection?")
    assert answer.aggregate.unit == "areas" and answer.aggregate.count == 1
    assert answer.citations[0].quote == "The experiences and progress of care leavers Requires improvement to be good"


def test_a_timeline_in_date_order_with_the_change_stated(many):
    answer = many.ask(f"How has {BCP} done across its inspections?")
    rows = answer.aggregate.rows
    assert [r.doc_id for r in rows] == ["bournemouth-christchurch-poole__2022-02-11__ilacs-inspection",
                                        "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"]
    assert "Overall effectiveness: Inadequate (2021) → Good (2024)." in answer.text
    _verbatim(many, answer)


def test_every_letter_of_a_council_is_cited_even_without_grades(many):
    answer = many.ask(f"What is {BCP}'s inspection history?")
    official = {d.doc_id for d in many.index.documents()
                if d.meta.local_authority == BCP and d.meta.source_kind == "official" and d.duplicate_of is None}
    assert _docs(answer) == official and answer.aggregate.count == len(official) >= 5
    _verbatim(many, answer)


def test_a_comparison_cites_every_grade_of_each_latest_report(many):
    answer = many.ask(f"Compare Bexley and {BCP}")
    assert _docs(answer) == {"bexley__2018-08-20__ilacs-inspection",
                             "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"}
    rows = sum(len(many.index.document(d).meta.judgements) for d in _docs(answer))
    assert len(answer.citations) == rows == 9  # Bexley 2018 grades four areas, BCP 2024 five
    assert "Overall effectiveness: Bexley Outstanding [4]; Bournemouth, Christchurch and Poole Good [9]." in answer.text


def test_the_areas_a_report_graded_are_counted_without_overall_effectiveness(many):
    answer = many.ask(f"How many areas were graded in {BCP}'s latest inspection?")
    assert answer.aggregate.count == 4 and len(answer.citations) == 4
    assert all(not c.quote.startswith("Overall effectiveness") for c in answer.citations)


def test_area_send_outcomes(many):
    answer = many.ask("Which area SEND inspections found significant concerns?")
    assert _docs(answer) == {"bury__2024-05-07__area-send"}
    assert answer.citations[0].quote.startswith("There are widespread and/or systemic failings")


def test_nothing_matching_is_said_plainly(many):
    answer = many.ask("Which councils were rated outstanding in 2031?")
    assert answer.abstained and not answer.citations and "None of the indexed documents match" in answer.text
    answer = many.ask("How many focused visits took place in 2031?")
    assert not answer.abstained and answer.aggregate.count == 0
    answer = many.ask("Compare Wigan and Sandwell")  # neither is indexed
    assert answer.abstained and "Wigan and Sandwell" in answer.text


def test_the_json_shape_and_the_command_line(many, tmp_path):
    shape = jsonio.answer_json(many.ask("Which councils were judged inadequate overall?"))
    assert shape["aggregate"]["count"] == 1 and shape["aggregate"]["unit"] == "councils"
    row = shape["aggregate"]["rows"][0]
    assert row["grades"] == [{"area": "Overall effectiveness", "grade": "Inadequate",
                              "quote": "Overall effectiveness Inadequate"}]
    assert row["citations"] == [1] and shape["citations"][0]["doc"] == row["doc"]
    assert len(shape["passages"]) >= 1
    out = subprocess.run([sys.executable, "-m", "qa", "ask", "--index", str(many.index.folder), "--json",
                          "List every focused visit to Bournemouth, Christchurch and Poole"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    answer = json.loads(out.stdout)
    assert answer["aggregate"]["kind"] == "list"
    assert {c["doc"] for c in answer["citations"]} == {r["doc"] for r in answer["aggregate"]["rows"]}
    assert all(r["doc_type"] == "focused_visit" for r in answer["aggregate"]["rows"])
