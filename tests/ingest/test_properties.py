"""Property tests of ingest: cleaning, metadata, judgements, chunking and sentences on arbitrary text.

The texts mix letters, digits, punctuation, every kind of whitespace, curly quotes, dashes, bullets,
emoji and giant words with lines that look like a letter's (headings, dates, grade rows, "Dear ...",
"Yours sincerely", "Her Majesty's Inspector") and with pieces of the bundled letters spliced together.
test_clean.test_any_string_cleans_to_well_formed_text covers the paragraph shape for "text", "pdf"
and "html"; these add "docx", carriage returns, letter-like lines and what cleaning may not invent.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest import metadata
from ingest.authorities import AUTHORITIES, FORMER_AUTHORITIES
from ingest.chunking import chunk_document
from ingest.clean import clean_text, is_heading, paragraphs
from ingest.dates import parse_span
from ingest.judgements import find_judgements
from ingest.metadata import find_metadata
from ingest.models import DOC_TYPES, SOURCE_KINDS, Document, Metadata
from ingest.sentences import split_sentences
from ingest.tokens import count_tokens
from ofsted_qa.settings import Settings
from tests.conftest import CORPUS_TXT

SETTINGS = Settings()
COUNCILS = set(AUTHORITIES) | set(FORMER_AUTHORITIES)
GRADES = {"Outstanding", "Good", "Requires improvement to be good", "Inadequate"}
LETTER_TEXTS = [p.read_text(encoding="utf-8") for p in CORPUS_TXT]
QUICK = settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))

# ------------------------------------------------------------------ strategies

_DAY = st.one_of(st.integers(0, 40).map(str), st.sampled_from(["1st", "2nd", "23rd", "31st", "fifth", "twenty-first"]))
_MONTH = st.sampled_from(["January", "February", "Feb", "Sept.", "June", "november", "December", "Dec"])
_YEAR = st.one_of(st.integers(2015, 2026), st.integers(0, 9999)).map(str) | st.sampled_from(["20205", "0000"])
_DATE = st.builds(lambda d, m, y: f"{d} {m} {y}", _DAY, _MONTH, _YEAR)
_SPAN = st.builds(lambda d, sep, rest: f"{d}{sep}{rest}", _DAY, st.sampled_from([" to ", " and ", " – ", ", "]), _DATE)
LETTER_LINES = [
    "Headline findings", "Areas covered by the visit", "Findings and evaluation of progress", "What needs to improve?",
    "Overall effectiveness Inadequate", "The experiences and progress of care leavers Requires improvement to be good",
    "The impact of leaders on social work practice with children and families: good", "Overall effectiveness Good",
    "Children’s services in Leeds are good", "Dear Ms Smith,", "Dear Cathi", "Yours sincerely", "Yours faithfully",
    "Her Majesty’s Inspector", "His Majesty's Inspector", "Jane Doe", "Lead inspector: Steve Lowe", "Inspection dates:",
    "Monitoring visit to Barnet children’s services", "Focused visit to Bournemouth, Christchurch and Poole",
    "Inspection of Leeds local authority children’s services", "Joint targeted area inspection of Kent",
    "This was the second monitoring visit", "This visit took place on", "The visit was carried out on", "Between",
    "Published:", "Report published:", "OFSTED said", "Comments: Our rules", "Piccadilly Gate", "Store Street",
    "M1 2WD", "Insert DCS full name", "[Insert date]", "www.gov.uk/ofsted", "1. ", "12.3 ", "• ", "◼ ", "- ", "* ",
    "The multi-", "agency hub is inappro-", "priate.", "Borough of Poole", "Reading", "Nick Bolton", "in Bury.",
]
_LINES = st.sampled_from(LETTER_LINES)
_GLYPHS = st.sampled_from([
    "\n", "\n\n", "\r\n", "\r", "\f", "\t", " ", "  ", "\u00a0", "\u2028", "\u200b", "\x0b", "“", "”", "‘", "’", "—",
    "–", "‐", "-", "•", "◼", "▪", "…", "?", ".", ":", ";", ",", "(", ")", "%", "£", "😀", "👩‍👧", "ﬁ", "é", "ß", "\uf06e",
])
_WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
_LONG_WORD = st.integers(200, 3000).map(lambda n: "x" * n) | st.text("abcé-.", min_size=300, max_size=1200)


@st.composite
def _excerpt(draw) -> str:
    text = draw(st.sampled_from(LETTER_TEXTS))
    start = draw(st.integers(0, len(text) - 1))
    return text[start:start + draw(st.integers(1, 2500))]


_COUNCIL = st.sampled_from(["Barnet", "Bournemouth, Christchurch and Poole", "Leeds", "Reading", "Kent County Council",
                            "the London Borough of Hackney", "Poole", "Nowhere", "Cumbria", "Bury"])


@st.composite
def _letter(draw) -> str:
    """A letter's skeleton in order, each part perhaps missing, its dates and names drawn."""
    council, visit = draw(_COUNCIL), draw(st.sampled_from(["focused visit", "monitoring visit", "inspection"]))
    parts = [
        draw(st.sampled_from(["Published: ", "Last updated: ", ""])) + draw(_DATE),
        f"Dear {draw(st.sampled_from(['Ms Smith', 'Cathi', 'Mr O’Neill,', '']))}",
        f"{visit.capitalize()} to {council} children’s services",
        f"This letter summarises the findings of the {visit} to {council} on {draw(_SPAN)}.",
        f"His Majesty’s Inspectors for this visit were {draw(st.sampled_from(['Jo Bell and Al Roy', 'Máire Atherton']))}.",
        f"This was the {draw(st.sampled_from(['second', 'tenth', 'twenty-first', '0th']))} monitoring visit.",
        draw(_LINES) + " " + draw(_DATE),
        "Yours sincerely", draw(st.sampled_from(["Anna Gravelle", "Ofsted", ""])), "Her Majesty’s Inspector",
    ]
    keep = draw(st.lists(st.booleans(), min_size=len(parts), max_size=len(parts)))
    return draw(st.sampled_from(["\n", "\n\n", " ", "\r\n"])).join(p for p, k in zip(parts, keep) if k)


_PIECE = st.one_of(_LINES, _GLYPHS, _DATE, _SPAN, _WORD, _LONG_WORD, _excerpt(), st.text(max_size=20))
MIXED = st.one_of(
    _letter(),
    st.lists(_PIECE, max_size=40).map("".join),
    st.lists(st.one_of(_LINES, _DATE, _SPAN, _excerpt(), _WORD), max_size=30).map("\n".join),
    st.lists(_excerpt(), min_size=1, max_size=4).map("".join),
)
# Text already in the shape cleaning gives: one-line paragraphs separated by one blank line.
_PARAGRAPH = st.lists(st.one_of(_LINES, _DATE, _WORD, _LONG_WORD, st.sampled_from([". ", "! ", "? ", "e.g. ", "Mr. "]),
                                 st.text(st.characters(exclude_characters="\n", codec="utf-8",
                                                       exclude_categories=("Cs",)), max_size=60)),
                       min_size=1, max_size=25).map(lambda parts: " ".join("".join(parts).split()))
CLEAN_SHAPED = st.lists(_PARAGRAPH, max_size=12).map(lambda ps: "\n\n".join(p for p in ps if p))


MONITORING_VISIT = (
    "ear Cathi \n\nMonitoring visit to Bournemouth, Christchurch and Poole children’s \nservices \n\nThis letter "
    "summarises the findings of the monitoring visit to Bournemouth, \nChristchurch and Poole children’s services on "
    "4 and 5 October 2022."
)
LEAP_DAY_LETTER = "29 February 2020\nDear Ann\n\nFocused visit to Leeds\n\nThe focused visit took place on 1 February 2021."


def _iso(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------ cleaning


@QUICK
@given(MIXED, st.sampled_from(["text", "pdf", "html", "docx"]))
@example("Overall effectiveness Good\r\n\r\n• one\r\n\f2\fDear Cathi\r", "docx")
def test_cleaning_any_text_gives_paragraphs_and_invents_nothing(raw, source_format):
    out = clean_text(raw, source_format)
    assert out == out.strip() and "\f" not in out and "\r" not in out and "\n\n\n" not in out
    spans = paragraphs(out)
    assert "\n\n".join(out[a:b] for a, b in spans) == out
    for a, b in spans:
        par = out[a:b]
        assert par and "\n" not in par and "\t" not in par and "  " not in par and par == par.strip()
        assert any(c.isalnum() for c in par)
        is_heading(par)
    # Apart from whitespace, '•' before bullet items and dropped line-end hyphens, every character
    # of the cleaned text stands in the raw text: cleaning never writes words of its own.
    made = Counter(c for c in out if not c.isspace() and c != "•")
    given_ = Counter(c for c in raw if not c.isspace())
    assert not made - given_


# ------------------------------------------------------------------ metadata and judgements


@QUICK
@given(MIXED)
@example("6 November 20205\n\nDear Cathi\n\nThe monitoring visit to Barnet on 29 February 2024.")
@example(MONITORING_VISIT + "\n0 January 2015")  # shrunk from a failure: see the regression test below
@example(LEAP_DAY_LETTER)
@example("Inspection dates:\n0 January 2015\n0 January 2015\n0 January 0000")  # was a TypeError in parse_span
def test_metadata_of_any_text_is_well_typed(raw):
    if raw.strip():
        metadata._find_metadata(raw)  # the defensive fallback in find_metadata is never needed
    meta = find_metadata(raw)
    assert isinstance(meta, Metadata)
    assert meta.local_authority is None or meta.local_authority in COUNCILS
    assert meta.doc_type in DOC_TYPES and meta.source_kind in SOURCE_KINDS
    assert meta.visit_number is None or (isinstance(meta.visit_number, int) and meta.visit_number >= 1)
    assert meta.date is None or _iso(meta.date)
    assert isinstance(meta.visit_dates, tuple) and all(_iso(d) for d in meta.visit_dates)
    assert list(meta.visit_dates) == sorted(set(meta.visit_dates))
    assert isinstance(meta.inspectors, tuple) and all(isinstance(n, str) and n.strip() == n and n
                                                       for n in meta.inspectors)
    assert meta.recipient is None or (isinstance(meta.recipient, str) and meta.recipient.strip())
    assert isinstance(meta.title, str) and (meta.title or not raw.strip())
    assert meta.when == "" or _iso(meta.when)


def test_an_impossible_date_line_is_no_letter_date():
    # Was a TypeError (None compared with a visit date) that find_metadata's fallback hid: all metadata lost.
    meta = find_metadata(MONITORING_VISIT + "\n0 January 2015")
    assert meta.local_authority == "Bournemouth, Christchurch and Poole" and meta.doc_type == "monitoring_visit"
    # no date of its own: the visit's last day dates it, and says so
    assert meta.visit_dates == ("2022-10-04", "2022-10-05")
    assert meta.date == "2022-10-05" and meta.date_basis == "inspection_end"


def test_a_leap_day_letter_date_is_not_moved_to_a_year_without_one():
    # Was date "2021-02-29" (the new-year slip fix adding a year to 29 February) and a title ending in "— ".
    meta = find_metadata(LEAP_DAY_LETTER)
    assert meta.date == "2020-02-29"
    assert meta.title == "Focused visit to Leeds — 29 February 2020"


def test_a_span_ending_in_year_0000_is_no_span():
    # Year 0 read as "no year" carried None back to every day: a TypeError, not ().
    assert parse_span("0 January 2015 0 January 2015 0 January 0000") == ()
    assert parse_span("5 May 0000 to 6 May 2020") == ()
    assert find_metadata("Inspection dates:\n0 January 2015\n0 January 2015\n0 January 0000").visit_dates == ()


@QUICK
@given(MIXED, st.sampled_from(["text", "pdf"]))
def test_judgements_are_rows_of_the_cleaned_text(raw, source_format):
    cleaned = clean_text(raw, source_format)
    found = find_judgements(cleaned)
    assert isinstance(found, tuple)
    rows = cleaned.split("\n\n")
    for j in found:
        assert j.grade in GRADES
        assert isinstance(j.area, str) and j.area and j.area == j.area.strip()
        assert j.text in rows


# ------------------------------------------------------------------ chunking


@pytest.fixture(scope="module")
def embedder():
    from index.embedder import load_embedder

    return load_embedder(SETTINGS.embedding_model)


def _chunks_hold(embedder, text: str) -> None:
    doc = Document("prop", "prop.txt", "0", text, Metadata())
    chunks = chunk_document(doc, SETTINGS, fits=embedder.fits)
    assert [c.chunk_id for c in chunks] == [f"prop:{n:04d}" for n in range(len(chunks))]
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    headings = {text[a:b] for a, b in paragraphs(text) if is_heading(text[a:b])}
    for c in chunks:
        assert c.doc_id == "prop" and 0 <= c.start < c.end <= len(text)
        assert doc.text[c.start:c.end] == c.text and c.text == c.text.strip()
        # chunk_document's promise: at most chunk_max_tokens tokens (a giant word is cut anywhere)
        # and never truncated by the model.
        assert c.n_tokens == count_tokens(c.text) <= SETTINGS.chunk_max_tokens
        assert embedder.fits(c.text)
        assert c.section is None or c.section in headings
    # In order, not overlapping, and nothing but whitespace between them.
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:]))
    covered = "".join(c.text for c in chunks)
    assert "".join(covered.split()) == "".join(text.split())
    again = chunk_document(doc, SETTINGS, fits=embedder.fits)
    assert [(c.chunk_id, c.start, c.end, c.section) for c in again] == [
        (c.chunk_id, c.start, c.end, c.section) for c in chunks]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(MIXED, st.sampled_from(["text", "pdf", "html"]))
def test_chunks_of_cleaned_text_are_whole_bounded_and_stable(embedder, raw, source_format):
    _chunks_hold(embedder, clean_text(raw, source_format))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(CLEAN_SHAPED)
@example("Heading line\n\n" + "Managers track each week. " * 60 + "\n\n" + "x" * 3000)
@example("😀" * 400 + "\n\n" + "ﬁ" * 700)
def test_chunks_of_long_paragraphs_and_giant_words(embedder, text):
    _chunks_hold(embedder, text)


# ------------------------------------------------------------------ sentences


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(MIXED, CLEAN_SHAPED, st.text()))
@example("12. The MASH works well. Mr. Smith said so, e.g. here.\n\n\n Next one!  \r\n")
def test_sentence_offsets_are_inside_ordered_trimmed_and_cover_the_text(text):
    spans = split_sentences(text)
    for a, b in spans:
        assert 0 <= a < b <= len(text)
        piece = text[a:b]
        assert piece == piece.strip()
        assert not re.search(r"\n\s*\n", piece)  # a blank line always ends a sentence
    assert all(b <= a2 for (_, b), (a2, _) in zip(spans, spans[1:]))
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())
