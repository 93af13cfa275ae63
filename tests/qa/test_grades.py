"""Grade claims against the grade tables of BCP's two inspection reports."""

import pytest

from qa.grades import find_judgement, grade_claim

DEC_2021 = "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection"


def test_grade_claims_are_recognised():
    assert grade_claim("Ofsted rated the council inadequate.")
    assert not grade_claim("Inspectors found good practice in the MASH.")


def test_the_claim_years_pick_the_inspection_and_its_words_the_area(bundled_qa):
    docs = bundled_qa.index.documents()
    doc, row = find_judgement("In December 2021 inspectors judged the experiences of care leavers to be good.", docs)
    assert doc.doc_id == DEC_2021
    assert row.text == "The experiences and progress of children in care and care leavers Requires improvement to be good"
    doc, row = find_judgement("Ofsted graded BCP inadequate overall.", docs)
    assert doc.doc_id == "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"  # the latest
    assert row.area == "Overall effectiveness"
    assert find_judgement("Ofsted rated BCP's special educational needs services outstanding.", docs) is None


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
    [v] = bundled_qa.check("Ofsted rated BCP outstanding overall.")
    assert v.verdict == "contradicted" and "'outstanding'" in v.reason
