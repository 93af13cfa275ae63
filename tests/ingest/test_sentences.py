from ingest.sentences import split_sentences
from tests.conftest import LETTERS


def sentences(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_splits_plain_sentences_with_offsets():
    text = "It is. So it goes."
    assert split_sentences(text) == [(0, 6), (7, 18)]


def test_abbreviations_and_numbered_paragraphs_do_not_end_sentences():
    text = "12. The MASH works well. Mr. Smith said so, e.g. here. Next one!"
    assert sentences(text) == ["12. The MASH works well.", "Mr. Smith said so, e.g. here.", "Next one!"]


def test_closing_quotes_stay_with_their_sentence_and_blank_lines_end_one():
    text = "A “quote.” Then more.\n\nNo full stop here\nstill the same"
    assert sentences(text) == ["A “quote.”", "Then more.", "No full stop here\nstill the same"]


def test_percentages_and_numbers_in_a_real_letter_sentence():
    text = (LETTERS / "002_26bebbeff29c7c35.txt").read_text(encoding="utf-8")
    flat = " ".join(text.split())
    found = sentences(flat)
    assert ("Senior leaders are rightly concerned about long-term stability of placements, which, at 63%, "
            "is below comparators.") in found
