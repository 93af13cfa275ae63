from ingest.abbreviations import find_abbreviations
from tests.conftest import LETTERS


def test_learns_definitions_from_the_fifth_monitoring_visit_letter():
    text = (LETTERS / "001_48f99557a5b80f02.txt").read_text(encoding="utf-8")
    found = dict(find_abbreviations(text))
    assert found["PA"] == "personal adviser"
    assert found["PLR"] == "Practice learning reviews"


def test_hyphenated_and_small_words_count_towards_initials():
    text = "the children’s first response multi-agency safeguarding hub (MASH) and the public law outline (PLO)"
    assert find_abbreviations(text) == [("MASH", "multi-agency safeguarding hub"), ("PLO", "public law outline")]


def test_brackets_that_are_not_definitions_are_ignored():
    assert find_abbreviations("children (some of them) and staff (PA)") == []
