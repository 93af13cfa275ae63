"""Metadata from documents' own text: the bundled BCP documents exactly, and each rule on its own.

Also covers `ingest.authorities`, `ingest.dates` and the scoring in `eval.manifest_check`; the rules
for people (inspectors, recipients) are tested on their own in test_people.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.manifest_check import manifest_visit_span, normalise_name, score_metadata
from ingest.authorities import AUTHORITIES, canonical_authority, find_authorities
from ingest.dates import format_span, ordinal_number, parse_date, parse_span
from ingest.metadata import (
    find_metadata,
    find_visit_dates,
    make_title,
    source_kind_of,
)
from ingest.models import DOC_TYPES, Metadata
from ingest.readers import read_file

LETTERS = Path(__file__).resolve().parents[2] / "data" / "letters"
BCP = "Bournemouth, Christchurch and Poole"

# What each bundled document says about itself, checked field by field.
EXPECTED = {
    "000_49ecad93d48c1fcf.txt": dict(
        doc_type="monitoring_visit", visit_number=2, date="2022-11-08", visit_dates=("2022-10-04", "2022-10-05"),
        inspectors=("Steve Lowe", "Louise Hocking"), recipient="Cathi Hadley", source_kind="official",
        title=f"Monitoring visit 2 to {BCP} — 8 November 2022",
    ),
    "001_48f99557a5b80f02.txt": dict(
        doc_type="monitoring_visit", visit_number=5, date="2024-01-12", visit_dates=("2023-11-29", "2023-11-30"),
        inspectors=("Tracey Ledder", "Sarah Canto"), recipient="Cathi Hadley", source_kind="official",
        title=f"Monitoring visit 5 to {BCP} — 12 January 2024",
    ),
    "002_26bebbeff29c7c35.txt": dict(
        doc_type="focused_visit", visit_number=None, date="2019-12-18", visit_dates=("2019-11-05", "2019-11-06"),
        inspectors=("Diane Partridge", "Julie Knight"), recipient="Judith Ramsden", source_kind="official",
        title=f"Focused visit to {BCP} — 18 December 2019",
    ),
    # A journalist's introduction, the first monitoring visit letter reprinted, a comments footer.
    "003_665291b22608addb.txt": dict(
        doc_type="monitoring_visit", visit_number=1, date=None, visit_dates=("2022-06-07", "2022-06-08"),
        inspectors=("Anna Gravelle", "Steve Lowe"), recipient="Cathi Hadley", source_kind="press",
        title=f"Press: first monitoring visit to {BCP} (June 2022)",
    ),
    # An article quoting and summarising the October 2020 focused visit letter; no dates or names of inspectors.
    "004_82196dfbb9d4873c.txt": dict(
        doc_type="focused_visit", visit_number=None, date=None, date_basis=None, visit_dates=(), inspectors=(),
        recipient="Elaine Redding", source_kind="press", title=f"Press: focused visit to {BCP}",
    ),
    "bournemouth-christchurch-poole__2019-12-18__focused-visit.pdf": dict(
        doc_type="focused_visit", visit_number=None, date="2019-12-18", visit_dates=("2019-11-05", "2019-11-06"),
        inspectors=("Diane Partridge", "Julie Knight"), recipient="Judith Ramsden", source_kind="official",
        title=f"Focused visit to {BCP} — 18 December 2019",
    ),
    "bournemouth-christchurch-poole__2020-11-27__focused-visit.pdf": dict(
        doc_type="focused_visit", visit_number=None, date="2020-11-27", date_basis="stated",
        visit_dates=("2020-10-13",),
        inspectors=("Neil Penswick", "Louise Hollick", "Peter McEntee", "Jan Edwards", "Chris Smith"),
        recipient="Elaine Redding", source_kind="official", title=f"Focused visit to {BCP} — 27 November 2020",
    ),
    # Full ILACS reports carry their inspection dates but no date of their own: the last day dates them.
    "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection.pdf": dict(
        doc_type="ilacs_inspection", visit_number=None, date="2021-12-17", date_basis="inspection_end",
        visit_dates=("2021-12-06", "2021-12-17"),
        inspectors=("Steve Lowe",), recipient=None, source_kind="official",
        title=f"Inspection of {BCP} (ILACS) — inspected 6 to 17 December 2021",
    ),
    "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection.pdf": dict(
        doc_type="ilacs_inspection", visit_number=None, date="2024-12-13", date_basis="inspection_end",
        visit_dates=("2024-12-02", "2024-12-13"),
        inspectors=("John Roughton",), recipient=None, source_kind="official",
        title=f"Inspection of {BCP} (ILACS) — inspected 2 to 13 December 2024",
    ),
}


@pytest.fixture(scope="module")
def bundled() -> dict[str, Metadata]:
    return {name: find_metadata(read_file(LETTERS / name).text) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_documents(bundled, name):
    meta = bundled[name]
    assert meta.local_authority == BCP
    for field, value in EXPECTED[name].items():
        assert getattr(meta, field) == value, field
    assert meta.judgements == ()


def test_every_bundled_document_is_checked():
    assert sorted(p.name for p in LETTERS.iterdir() if p.suffix in (".txt", ".pdf")) == sorted(EXPECTED)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on 4 and 5 October 2022.", ("2022-10-04", "2022-10-05")),
        ("6 to 17 December 2021", ("2021-12-06", "2021-12-17")),
        ("13 May to 24 May 2019", ("2019-05-13", "2019-05-24")),
        ("29 and 30 November 2023", ("2023-11-29", "2023-11-30")),
        ("28 November to 2 December 2022", ("2022-11-28", "2022-12-02")),
        ("30 December 2019 to 3 January 2020", ("2019-12-30", "2020-01-03")),
        ("30 December to 3 January 2020", ("2019-12-30", "2020-01-03")),
        ("11 March 2014 – 2 April 2014", ("2014-03-11", "2014-04-02")),
        ("16 January 2017 – 9 February 2017", ("2017-01-16", "2017-02-09")),
        ("26 to 27 April 2022", ("2022-04-26", "2022-04-27")),
        ("4–5 October 2022", ("2022-10-04", "2022-10-05")),
        ("4, 5, and 6 Oct 2022", ("2022-10-04", "2022-10-05", "2022-10-06")),
        ("20 October and 22 October 2020", ("2020-10-20", "2020-10-22")),
        ("10 January 2019", ("2019-01-10",)),
        ("Monday 4th October 2021", ("2021-10-04",)),
        ("the fifth of November 2022", ("2022-11-05",)),
        ("twenty-first and twenty-second of June 2023", ("2023-06-21", "2023-06-22")),
        ("10 to 14 June 2024 12", ("2024-06-10", "2024-06-14")),  # a page number after a running header
        ("16 May and 20 May", ()),  # no year, none given
        ("31 February 2020", ()),
        ("section 20 of the Children Act 2004", ()),
        ("", ()),
    ],
)
def test_parse_span(text, expected):
    assert parse_span(text) == expected


def test_parse_span_takes_a_missing_year_from_the_letter():
    assert parse_span("Between 16 May and 20 May, Ofsted", default_year=2016) == ("2016-05-16", "2016-05-20")
    # A visit cannot follow its letter: December's visit reported in January is last year's.
    assert parse_span("14 to 15 December", default_year=2020, before="2020-01-20") == ("2019-12-14", "2019-12-15")


def test_parse_span_is_quick_on_long_runs_of_numbers():
    assert parse_span("1 " * 3000 + "and 2 " * 3000) == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8 November 2022", "2022-11-08"),
        ("Report published: 13 June 2017", "2017-06-13"),
        ("Wednesday, 5th of October, 2022", "2022-10-05"),
        ("12 Sept 2024", "2024-09-12"),
        ("November 2022", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("word, number", [("first", 1), ("second", 2), ("fifth", 5), ("Tenth", 10), ("3rd", 3), ("many", None)])
def test_ordinal_number(word, number):
    assert ordinal_number(word) == number


def test_format_span():
    assert format_span(("2021-12-06", "2021-12-17")) == "6 to 17 December 2021"
    assert format_span(("2022-11-28", "2022-12-02")) == "28 November to 2 December 2022"
    assert format_span(("2019-12-30", "2020-01-03")) == "30 December 2019 to 3 January 2020"
    assert format_span(()) == ""


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Inspection dates: 13 May to 24 May 2019\nLead inspector: Andy Whippey", ("2019-05-13", "2019-05-24")),
        ("Inspection date: 11 March 2014 – 2 April 2014\nReport published: 23 May 2014", ("2014-03-11", "2014-04-02")),
        ("This inspection took place from 18 to 22 November 2024. It was", ("2024-11-18", "2024-11-22")),
        ("Between 20 and 24 January 2020, Ofsted, the Care Quality Commission", ("2020-01-20", "2020-01-24")),
        (
            "This letter summarises the findings of the monitoring visit to Bournemouth, Christchurch\nand "
            "Poole children's services on 4 and 5 October 2022. This was the second",
            ("2022-10-04", "2022-10-05"),
        ),
        ("the findings of a focused visit to Durham children's services on 10 January 2019.", ("2019-01-10",)),
        ("The council came into being on 1 April 2019.", ()),
    ],
)
def test_find_visit_dates(text, expected):
    assert find_visit_dates(text) == expected


def test_letter_date_is_the_date_line_not_a_date_in_the_body():
    text = "Ofsted\nPiccadilly Gate\n\n4 February 2019\n\nMargaret Whellans\nDurham\n\nDear Margaret Whellans\n" \
           "Focused visit to Durham local authority children's services\n" \
           "This letter summarises the findings of a focused visit to Durham on 10 January 2019."
    meta = find_metadata(text)
    assert (meta.date, meta.visit_dates, meta.recipient) == ("2019-02-04", ("2019-01-10",), "Margaret Whellans")


def test_letter_date_slips_are_read_against_the_visit():
    body = "\nDear Ms Knowles\nFocused visit to Dudley children's services\nThis letter summarises the findings " \
           "of the focused visit to Dudley children's services on 18 and 19 December 2019."
    # "21 January 2019" about a December 2019 visit: the new year's slip for 2020.
    assert find_metadata("21 January 2019\nCatherine Knowles" + body).date == "2020-01-21"
    # A digit too many: of "2020" and "2025", the reading after the visit.
    late = body.replace("December 2019", "October 2025")
    assert find_metadata("6 November 20205\nCatherine Knowles" + late).date == "2025-11-06"


def test_sif_report_date_is_its_publication_date():
    text = "London Borough of Bexley\nInspection of services for children in need of help and\nprotection, " \
           "children looked after and care leavers\nInspection date: 11 March 2014 – 2 April 2014\n" \
           "Report published: 23 May 2014\nLead inspector: Pietro Battista\n"
    meta = find_metadata(text)
    assert (meta.local_authority, meta.doc_type, meta.date) == ("Bexley", "sif_inspection", "2014-05-23")
    assert meta.visit_dates == ("2014-03-11", "2014-04-02")
    assert meta.inspectors == ("Pietro Battista",)
    assert meta.title == "Inspection of Bexley (SIF) — 23 May 2014"


# ---------------------------------------------------------------- source kind


@pytest.mark.parametrize(
    "text, kind",
    [
        ("OFSTED said there are “serious and widespread weaknesses” in children's services.", "press"),
        ("THE full letter on Ofsted's first monitoring visit of BCP Council's children's services has been released.", "press"),
        ("Here is a copy of the letter Ofsted sent to Elaine Redding.", "press"),
        ("Comments: Our rules\nWe want our comments to be lively.\nReport this comment Cancel", "press"),
        ("A council spokesman said the authority accepted the findings.", "press"),
        ("Dear Cathi\nMonitoring visit to Bournemouth, Christchurch and Poole children's services\n"
         "Ofsted will take the findings from this focused visit into account. Yours sincerely", "official"),
        ("BH2 6DY Insert DCS full name\nInsert LA Address\nDear Cathi", "official"),
        ("", "official"),
    ],
)
def test_source_kind(text, kind):
    assert source_kind_of(text) == kind


def test_press_article_date_is_its_own_not_the_letters():
    article = ("Published: 12 July 2022\nOfsted said the council had made progress.\n8 June 2022\n"
               "This letter summarises the findings of the monitoring visit to Leeds children's services on "
               "7 and 8 June 2022. This was the third monitoring visit.")
    meta = find_metadata(article)
    assert (meta.source_kind, meta.date, meta.visit_number) == ("press", "2022-07-12", 3)
    assert meta.visit_dates == ("2022-06-07", "2022-06-08")
    assert meta.title == "Press: third monitoring visit to Leeds (June 2022)"


# ---------------------------------------------------------------- document types and councils


@pytest.mark.parametrize(
    "text, doc_type, council",
    [
        ("Dear Andrew\nFocused visit to Lambeth children's services\nThis letter summarises", "focused_visit", "Lambeth"),
        ("Monitoring visit of Birmingham local authority children's services", "monitoring_visit", "Birmingham"),
        ("Inspection of Barnet local authority children's services\nInspection dates: 10 to 14 June 2024",
         "ilacs_inspection", "Barnet"),
        ("London Borough of Barnet\n\nInspection of children's social care services\nInspection dates: 13 May to 24 May 2019",
         "ilacs_inspection", "Barnet"),
        ("Tameside metropolitan borough\n\nInspection of local authority children's social care\nservices",
         "ilacs_inspection", "Tameside"),
        ("Nottinghamshire County Council: Inspection of local authority children's services", "ilacs_inspection",
         "Nottinghamshire"),
        ("Dear local partnership\nJoint targeted area inspection of the multi-agency response to abuse and\n"
         "neglect in the London Borough of Croydon\nBetween 16 May and 20 May, Ofsted", "jtai", "Croydon"),
        ("Area SEND inspection of Bexley Local Area\nPartnership\nInspection dates: 4 December 2023 to 8 December 2023",
         "area_send", "Bexley"),
        ("Coventry City Council\nRe-inspection of services for children in need of help and\nprotection",
         "sif_inspection", "Coventry"),
        # A letter's body mentions the ILACS framework in lower case; that is no title.
        ("Focused visit to Telford & Wrekin local authority children's services\nThis visit was carried out in line "
         "with the inspection of local authority children's services (ILACS) framework.", "focused_visit",
         "Telford and Wrekin"),
        ("Notes about children's services in Essex and Essex and Kent.", "other", "Essex"),
    ],
)
def test_doc_type_and_council(text, doc_type, council):
    meta = find_metadata(text)
    assert (meta.doc_type, meta.local_authority) == (doc_type, council)


@pytest.mark.parametrize(
    "sentence, number",
    [
        ("This was the first monitoring visit since the local authority was judged inadequate", 1),
        ("This was the second monitoring visit since", 2),
        ("This was the fifth monitoring visit since", 5),
        ("This was the 3rd monitoring visit since", 3),
    ],
)
def test_visit_number(sentence, number):
    meta = find_metadata(f"Monitoring visit to Leeds children's services\n{sentence}.")
    assert (meta.doc_type, meta.visit_number) == ("monitoring_visit", number)


def test_titles():
    assert make_title(Metadata("Barnet", "focused_visit", date="2021-08-02")) == "Focused visit to Barnet — 2 August 2021"
    assert make_title(Metadata("Barnet", "monitoring_visit")) == "Monitoring visit to Barnet"
    assert make_title(Metadata(None, "jtai", date="2020-03-06")) == "Joint targeted area inspection of unknown council — 6 March 2020"
    assert make_title(Metadata("Bexley", "area_send", visit_dates=("2023-12-04", "2023-12-08"))) == \
        "Area SEND inspection of Bexley — inspected 4 to 8 December 2023"
    assert make_title(Metadata(BCP, "focused_visit", source_kind="press")) == f"Press: focused visit to {BCP}"


@pytest.mark.parametrize("text", ["", "   \n\f\n ", "random words with no meaning", "1 " * 5000, "\x00\x01\ufffd"])
def test_no_metadata_gives_defaults(text):
    meta = find_metadata(text)
    assert (meta.local_authority, meta.doc_type, meta.date, meta.visit_dates, meta.inspectors, meta.recipient) == (
        None, "other", None, (), (), None)
    assert meta.source_kind == "official"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_never_crashes(text):
    meta = find_metadata(text)
    assert meta.doc_type in DOC_TYPES and meta.source_kind in ("official", "press")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(
    ["Focused", "visit", "to", "Barnet", "on", "4", "and", "5", "October", "2022", ".", "Dear", "\n", "Inspection",
     "dates:", "to", "Yours sincerely", "HMI", "The inspectors were", "Reading", ",", "–", "of", "Ms"]), max_size=60))
def test_never_crashes_on_letter_like_text(words):
    meta = find_metadata(" ".join(words))
    assert all(len(d) == 10 for d in meta.visit_dates)


# ---------------------------------------------------------------- authorities


def test_authority_list():
    assert len(AUTHORITIES) == 153
    assert {"City of London", "Isles of Scilly", BCP, "North Northamptonshire", "Cumberland"} <= set(AUTHORITIES)


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("Barnet", "Barnet"),
        ("London Borough of Barnet", "Barnet"),
        ("BCP", BCP),
        ("Bournemouth, Christchurch & Poole", BCP),
        ("bournemouth christchurch and poole council", BCP),
        ("Telford and Wrekin", "Telford and Wrekin"),
        ("Telford & Wrekin", "Telford and Wrekin"),
        ("County Durham", "Durham"),
        ("Durham", "Durham"),
        ("Kingston upon Hull", "Kingston upon Hull"),
        ("Hull", "Kingston upon Hull"),
        ("Southend", "Southend-on-Sea"),
        ("Southend-on-Sea", "Southend-on-Sea"),
        ("Blackburn with Darwen", "Blackburn with Darwen"),
        ("Isle of Wight", "Isle of Wight"),
        ("Richmond upon Thames", "Richmond upon Thames"),
        ("Richmond", "Richmond upon Thames"),
        ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
        ("Stockton", "Stockton-on-Tees"),
        ("Stockton-on-Tees Borough Council", "Stockton-on-Tees"),
        ("Redcar and Cleveland", "Redcar and Cleveland"),
        ("Bristol", "Bristol"),
        ("City of Bristol", "Bristol"),
        ("St. Helens", "St Helens"),
        ("Stoke-on-Trent City Council", "Stoke-on-Trent"),
        ("City of London", "City of London"),
        ("Isles of Scilly", "Isles of Scilly"),
        ("Newcastle upon Tyne", "Newcastle upon Tyne"),
        ("Bath & North East Somerset", "Bath and North East Somerset"),
        ("Nowhere", None),
        ("", None),
    ],
)
def test_canonical_authority(text, canonical):
    assert canonical_authority(text) == canonical


def _names(text):
    return [name for name, _, _ in find_authorities(text)]


@pytest.mark.parametrize(
    "text, names",
    [
        ("In North East Lincolnshire and Lincolnshire", ["North East Lincolnshire", "Lincolnshire"]),
        ("North Lincolnshire", ["North Lincolnshire"]),
        ("Derby and Derbyshire", ["Derby", "Derbyshire"]),
        ("York and North Yorkshire", ["York", "North Yorkshire"]),
        ("Yorkshire and the Humber", []),
        ("Coventry's improvement plan", ["Coventry"]),
        ("the Bournemouth, Christchurch\nand Poole council", [BCP]),
        ("Bournemouth, Christchurch & Poole_Focused_visit.pdf", [BCP]),
        ("what did ofsted say about barnet and telford & wrekin", ["Barnet", "Telford and Wrekin"]),
        ("Reading the letter, inspectors found", []),
        ("Reading children's services are good", ["Reading"]),
        ("services in Reading.", ["Reading"]),
        ("reading age", []),
        ("Poole", []),  # a surname, and part of BCP since 2019
        ("Borough of Poole", ["Poole"]),
        ("inspectors were Nick Bolton and Jane Sutton", []),
        ("Compare Sutton and Merton", ["Sutton", "Merton"]),
        ("Piccadilly Gate Store Street Manchester\nM1 2WD", []),
        ("Greater Manchester", []),
        ("Rutland House", []),
    ],
)
def test_find_authorities(text, names):
    assert _names(text) == names


def test_find_authorities_spans():
    text = "Visit to the London Borough of Barnet, then Hull."
    assert [(n, text[s:e]) for n, s, e in find_authorities(text)] == [
        ("Barnet", "the London Borough of Barnet"), ("Kingston upon Hull", "Hull")]


# ---------------------------------------------------------------- eval.manifest_check


def _manifest(tmp_path: Path) -> Path:
    path = tmp_path / "manifest.csv"
    rows = [
        ("a", "ilacs_focused_visit_letter", "bournemouth, christchurch & poole", "2019-12-18", "5 and 6 November 2019"),
        ("b", "ilacs_full_inspection_report", "telford & wrekin", "2024-07-12", "29 April 2024 to 3 May 2024"),
        ("c", "jtai_letter", "durham", "2018-08-24", ""),
        ("d", "area_send_report", "bexley", "2024-02-23", "4 December 2023 to 8 December 2023"),
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["doc_id", "doc_type", "local_authority", "publication_date", "visit_or_inspection_dates"])
        writer.writerows(rows)
    return path


def test_score_metadata(tmp_path):
    predicted = {
        "a": Metadata(BCP, "focused_visit", date="2019-12-18", visit_dates=("2019-11-05", "2019-11-06")),
        "b": {"local_authority": "Telford and Wrekin", "doc_type": "ilacs_inspection", "date": None,
              "visit_dates": ("2024-04-29", "2024-05-03")},
        "c": {"local_authority": "County Durham", "doc_type": "focused_visit", "date": "2018-08-24", "visit_dates": ()},
        "x": {"local_authority": "Barnet", "doc_type": "other"},
    }
    score = score_metadata(predicted, _manifest(tmp_path))
    assert score["n"] == 3
    assert score["fields"]["local_authority"] == {"correct": 3, "total": 3, "accuracy": 1.0}
    assert score["fields"]["doc_type"]["correct"] == 2
    assert score["fields"]["date"]["correct"] == 2
    assert score["fields"]["visit_dates"] == {"correct": 2, "total": 2, "accuracy": 1.0}  # "c" has none to compare
    assert score["date_by_doc_type"]["ilacs_inspection"] == {"correct": 0, "none": 1, "wrong": 0, "total": 1}
    assert score["mismatches"] == [
        {"doc_id": "b", "field": "date", "predicted": None, "expected": "2024-07-12"},
        {"doc_id": "c", "field": "doc_type", "predicted": "focused_visit", "expected": "jtai"},
    ]
    assert score["missing"] == ["d"] and score["unknown"] == ["x"]


def test_manifest_helpers():
    assert normalise_name("bournemouth, christchurch & poole") == normalise_name(BCP)
    assert normalise_name("telford & wrekin") == "telford and wrekin"
    assert manifest_visit_span("16 January 2017 – 9 February 2017") == ("2017-01-16", "2017-02-09")
    assert manifest_visit_span("24 February and 28 February 2020") == ("2020-02-24", "2020-02-28")
    assert manifest_visit_span("") is None


def test_a_report_without_a_date_of_its_own_is_dated_by_its_last_inspection_day():
    meta = find_metadata("Bournemouth, Christchurch and Poole\n\nInspection of children’s services\n\n"
                         "Inspection dates: 6 to 17 December 2021\n\nLead inspector: Steve Lowe")
    assert (meta.date, meta.date_basis) == ("2021-12-17", "inspection_end")
    assert meta.title.endswith("inspected 6 to 17 December 2021")


def test_a_letter_date_is_stated():
    meta = bundled_meta("bournemouth-christchurch-poole__2019-12-18__focused-visit.pdf")
    assert (meta.date, meta.date_basis) == ("2019-12-18", "stated")


def bundled_meta(name: str) -> Metadata:
    return find_metadata(read_file(LETTERS / name).text)
