"""Grades and outcomes read from real reports: ILACS and SIF grade tables, area SEND outcome sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.judgements import OUTCOMES, find_judgements, find_outcome
from ingest.pipeline import prepare
from ingest.readers import file_sha256

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _prepared(path: Path):
    return prepare(path, file_sha256(path), 50_000_000)


def test_a_sif_report_states_its_overall_judgement_in_a_sentence():
    doc = _prepared(DATA / "bexley__2014-05-23__sif-inspection.pdf")
    grades = {j.area: j.grade for j in doc.meta.judgements}
    assert grades["Overall effectiveness"] == "Requires improvement to be good"
    assert grades["Adoption performance"] == "Requires improvement to be good"
    assert len(grades) == 6
    assert all(j.text in doc.text for j in doc.meta.judgements)
    assert (doc.meta.date, doc.meta.date_basis) == ("2014-05-23", "stated")  # "Report published: 23 May 2014"


def test_an_area_send_report_gives_its_outcome_sentence_verbatim():
    doc = _prepared(DATA / "bury__2024-05-07__area-send.pdf")
    assert doc.meta.doc_type == "area_send"
    outcome = doc.meta.outcome
    assert outcome is not None and outcome.grade == "Significant concerns"
    assert outcome.text.startswith("There are widespread and/or systemic failings") and outcome.text in doc.text
    assert doc.meta.judgements == ()
    assert (doc.meta.date, doc.meta.date_basis) == ("2024-02-16", "inspection_end")


def test_each_outcome_kind_is_read_from_its_sentence():
    head = "Area SEND inspection of Anytown Local Area Partnership\n\nInspection outcome\n\n"
    sentences = {
        "Positive experiences and outcomes": "The local area partnership’s special educational needs and/or "
        "disabilities (SEND) arrangements typically lead to positive experiences and outcomes for children.",
        "Inconsistent experiences and outcomes": "The local area partnership’s arrangements lead to inconsistent "
        "experiences and outcomes for children and young people with SEND.",
        "Significant concerns": "There are widespread and/or systemic failings leading to significant concerns about "
        "the experiences and outcomes of children and young people with SEND.",
    }
    assert set(sentences) == set(OUTCOMES)
    for kind, sentence in sentences.items():
        found = find_outcome(head + sentence + " The next inspection will be within three years.")
        assert found is not None and (found.grade, found.text) == (kind, sentence)


def test_no_outcome_where_none_is_stated():
    assert find_outcome("Inspection outcome\n\nInspectors met leaders and parents.") is None


def test_the_overall_judgement_sentence_of_a_sif_report():
    found = find_judgements("Report published: 27 March 2015\n\nThe overall judgement is that children’s services are good")
    assert [(j.area, j.grade) for j in found] == [("Overall effectiveness", "Good")]
