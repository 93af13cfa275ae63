"""Grade claims against the grade tables of BCP's two inspection reports."""

import pytest

from qa.grades import GradePart, grade_claim, graded_parts, reports_for, row_for

DEC_2021 = "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection"


def test_grade_claims_are_recognised():
    assert grade_claim("Ofsted rated the council inadequate.")
    assert not grade_claim("Inspectors found good practice in the MASH.")


def test_the_claim_years_pick_the_inspection_and_its_words_the_area(bundled_qa):
    docs = bundled_qa.index.documents()
    claim = "In December 2021 inspectors judged the experiences of care leavers to be good."
    [doc] = reports_for(claim, docs)
    assert doc.doc_id == DEC_2021
    [part] = graded_parts(claim)
    assert row_for(doc, part.area).text == \
        "The experiences and progress of children in care and care leavers Requires improvement to be good"
    doc = reports_for("Ofsted graded BCP inadequate overall.", docs)[0]
    assert doc.doc_id == "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"  # the latest
    assert reports_for("Ofsted rated BCP's special educational needs services outstanding.", docs) == []


def test_a_compound_grade_claim_is_read_clause_by_clause():
    assert graded_parts("Walsall was judged good overall, although help and protection was still rated as requiring "
                        "improvement.") == [GradePart("overall effectiveness", "good"),
                                            GradePart("help and protection", "requires improvement to be good")]
    assert graded_parts("BCP climbed from inadequate to good overall.") == [GradePart("overall effectiveness", "good")]
    assert graded_parts("Wandsworth was judged good in every area.") == [GradePart("every area", "good", True)]


@pytest.mark.parametrize("claim, verdict", [
    ("Ofsted rated BCP's children's services inadequate overall in its December 2021 inspection.", "supported"),
    ("Ofsted rated BCP's children's services good overall in its December 2021 inspection.", "contradicted"),
])
def test_grade_verdicts_cite_the_grade_row(bundled_qa, claim, verdict):
    [v] = bundled_qa.check(claim, single_claim=True)
    assert v.verdict == verdict and v.confidence == "high"
    assert v.evidence[0].doc_id == DEC_2021 and v.evidence[0].quote == "Overall effectiveness Inadequate"
    text = bundled_qa.index.document(DEC_2021).text
    assert text[v.evidence[0].start:v.evidence[0].end] == "Overall effectiveness Inadequate"


def test_a_claim_without_a_year_is_supported_by_an_earlier_report_with_low_confidence(bundled_qa):
    [v] = bundled_qa.check("Ofsted rated BCP inadequate overall.")
    assert v.verdict == "supported" and v.confidence == "low"
    assert v.evidence[0].doc_id == DEC_2021
    assert "the latest report" in v.reason and "grades it Good" in v.reason
    [v] = bundled_qa.check("Ofsted rated BCP outstanding overall.")  # no year: it may mean an unindexed report
    assert v.verdict != "contradicted"
    [v] = bundled_qa.check("Ofsted rated BCP outstanding overall in 2024.")
    assert v.verdict == "contradicted" and "'outstanding'" in v.reason


def test_a_duration_the_report_dates_contradict(bundled_qa):
    [v] = bundled_qa.check("Ofsted rated BCP inadequate overall after a three-week inspection in December 2021.")
    assert v.verdict == "contradicted" and "6 to 17 December 2021 (12 days)" in v.reason
    [v] = bundled_qa.check("Ofsted rated BCP inadequate overall after a two-week inspection in December 2021.")
    assert v.verdict == "supported"
