"""The Council and National pages, driven with AppTest over the bundled letters (and one more council's
letter); and the rows and charts they are drawn from."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

import app_charts as charts
import app_history as h
import app_views as v
from qa.history import AREA_LABELS, council_events, graded_events, improvements, national_latest
from tests.apptest import go_to, record_downloads, start

BCP = "Bournemouth, Christchurch and Poole"
BCP_2020 = "bournemouth-christchurch-poole__2020-11-27__focused-visit"
BCP_2020_TITLE = "Focused visit to Bournemouth, Christchurch and Poole — 27 November 2020"
BCP_2021 = "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection"
BCP_2024 = "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"
ESSEX_LETTER = """Ofsted Piccadilly Gate Store Street Manchester M1 2WD

3 March 2025

Director of Children's Services Essex County Council County Hall Chelmsford

Dear Director

Focused visit to Essex County Council children's services

This letter summarises the findings of the focused visit to Essex County Council children's services
on 4 and 5 February 2025.

Headline findings

Inspectors found that the <b>kestrel</b> audit of supervision gives managers a clear weekly view of practice.

What needs to improve in this area of social work practice

The timeliness of return home interviews.

Next steps

The local authority will review its plans in the light of this letter.
"""
BADGE = re.compile(r"<span style=\"background:[^\"]*\">([^<]*)</span>")


def vega(at, n: int = 0) -> tuple[dict, list[dict]]:
    """The n-th chart's Vega-Lite specification and the rows it draws."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    chart = at.get("vega_lite_chart")[n]
    spec = json.loads(chart.proto.spec)
    rows = [r for d in chart.proto.datasets for r in convert_arrow_bytes_to_pandas_df(d.data.data).to_dict("records")]
    return spec, rows


@pytest.fixture
def app(bundled_index, monkeypatch):
    return start(bundled_index, monkeypatch, "Council")


@pytest.fixture(scope="module")
def two_councils(bundled_index, tmp_path_factory):
    """The bundled letters and a focused visit to Essex."""
    from index.index import Index
    from ingest.pipeline import ingest

    folder = tmp_path_factory.mktemp("two") / "index"
    shutil.copytree(bundled_index, folder)
    letter = folder.parent / "essex-focused-visit.txt"
    letter.write_text(ESSEX_LETTER, encoding="utf-8")
    with Index.open(folder) as index:
        assert ingest([letter], index).ingested
    return folder


# --- Council -------------------------------------------------------------------------------------------


def test_council_page_draws_every_visit_on_a_timeline(app, bundled_qa):
    assert app.selectbox(key="council").value == BCP
    events = council_events(bundled_qa.index.documents(), BCP)
    assert len(events) == 6
    spec, rows = vega(app)
    assert spec["mark"]["type"] == "point"
    fields = {k: spec["encoding"][k]["field"] for k in ("x", "y", "color")}
    assert fields == {"x": "ended", "y": "kind", "color": "grade"}
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["title", "visit", "date", "grades"]
    assert [r["doc id"] for r in rows] == [e.doc_id for e in events]
    by_id = {r["doc id"]: r for r in rows}
    assert (by_id[BCP_2021]["kind"], by_id[BCP_2021]["grade"]) == ("ILACS inspection", "Inadequate")
    assert (by_id[BCP_2024]["grade"], by_id[BCP_2020]["grade"]) == ("Good", h.UNGRADED)
    assert by_id[BCP_2024]["date"] == "2024-12-13 (inspection ended)"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Good", "Inadequate", h.UNGRADED]


def test_council_page_lists_grades_and_letters_newest_first(app):
    grades = app.dataframe[0].value
    assert list(grades.columns) == ["inspection ended", *AREA_LABELS.values(), "title", "doc id"]
    assert list(grades["doc id"]) == [BCP_2024, BCP_2021]
    assert list(grades["Overall effectiveness"]) == ["Good", "Inadequate"]
    assert list(grades["Care leavers"]) == ["Requires improvement to be good", "Requires improvement to be good"]

    labels = [e.label for e in app.expander]
    assert len(labels) == 6
    assert labels[0].startswith("Inspection of Bournemouth") and "2024\\-12\\-13 \\(inspection ended\\)" in labels[0]
    assert labels[-1].startswith("Focused visit to Bournemouth, Christchurch and Poole — 18 December 2019")
    newest = app.expander[0]
    assert any("Inspection ended 2024\\-12\\-13" in c.value for c in newest.caption)
    html = [x.value for x in newest.get("html")]
    assert any(">Good</span> Overall effectiveness Good" in x for x in html), "the grade with its row as written"
    assert any("Headline findings" in x and "Senior leaders in Bournemouth, Christchurch and Poole" in x for x in html)


def test_council_page_shows_bcp_areas_for_improvement(app, bundled_qa):
    doc = bundled_qa.index.document(BCP_2020)
    items = [p.text for p in improvements(doc)]
    assert "Social work supervision." in items and len(items) == 13
    visit = next(e for e in app.expander if e.label.startswith(f"{BCP_2020_TITLE} ·"))
    listed = next(x.value for x in visit.get("html") if "Areas for improvement" in x.value)
    assert re.findall(r"<li>(.*?)</li>", listed) == [v.escape(i) for i in items]
    assert not any("1. Area for improvement" in x.value for x in visit.get("html")), "later letters only when asked"


def test_what_later_letters_said_is_worked_out_when_asked_and_kept(app, bundled_qa, monkeypatch):
    from qa.follow_up import STATUSES, follow_up

    docs = {d.doc_id: d for d in bundled_qa.index.documents()}
    ids = [e.doc_id for e in council_events(list(docs.values()), BCP)]
    later = [docs[i] for i in ids[ids.index(BCP_2020) + 1:]]
    items = improvements(docs[BCP_2020])
    expected = [follow_up(bundled_qa, item, later) for item in items]

    app.toggle(key=f"fu-{BCP_2020}").set_value(True).run()
    assert not app.exception, app.exception
    cards = [x.value for x in app.html if "Area for improvement</div>" in x.value]
    assert len(cards) == len(items)
    shown = [BADGE.findall(card) for card in cards]
    assert shown == [[f.status for f in said] for said in expected]
    assert {s for statuses in shown for s in statuses} <= set(STATUSES)
    assert "improved" in shown[9] and "not yet" in shown[3]  # the virtual school; social work supervision
    for card, said in zip(cards, expected):
        for f in said:
            assert (f.passage is None) or f"“{v.escape(f.passage.text)}”" in card

    def boom(*args, **kwargs):
        raise AssertionError("worked out again")

    monkeypatch.setattr("qa.follow_up.follow_up", boom)
    app.toggle(key=f"fu-{BCP_2020}").set_value(False).run()
    assert not [x for x in app.html if "Area for improvement</div>" in x.value]
    app.toggle(key=f"fu-{BCP_2020}").set_value(True).run()
    assert not app.exception, app.exception
    assert len([x for x in app.html if "Area for improvement</div>" in x.value]) == len(items)


def test_council_page_follows_the_address_and_escapes_letter_text(two_councils, monkeypatch):
    at = start(two_councils, monkeypatch, "Council", {"council": "Essex"})
    assert at.selectbox(key="council").options == [BCP, "Essex"]
    assert at.selectbox(key="council").value == "Essex"
    assert [e.label for e in at.expander] == ["Focused visit to Essex — 3 March 2025 · 2025\\-03\\-03"]
    assert not at.dataframe, "no graded report, no grades table"
    html = " ".join(x.value for x in at.html)
    assert "the &lt;b&gt;kestrel&lt;/b&gt; audit" in html and "<b>kestrel" not in html
    assert "<li>The timeliness of return home interviews.</li>" in html
    assert any("No later letter to compare with" in c.value for c in at.caption)
    _, rows = vega(at)
    assert [(r["kind"], r["grade"]) for r in rows] == [("Focused visit", h.UNGRADED)]
    at.selectbox(key="council").set_value(BCP).run()
    assert len(at.expander) == 6


# --- National ------------------------------------------------------------------------------------------


def test_national_page_tables_every_councils_latest_grades(bundled_index, bundled_qa, monkeypatch):
    held = record_downloads(monkeypatch)
    at = start(bundled_index, monkeypatch, "National")
    docs = bundled_qa.index.documents()
    table = at.dataframe[0].value
    columns = ["council", "inspection ended", *AREA_LABELS.values(), "title", "doc id"]
    assert list(table.columns) == columns
    assert table.to_dict("records") == [h.grade_row(e) for e in national_latest(docs)]
    assert list(table["doc id"]) == [BCP_2024] and list(table["Overall effectiveness"]) == ["Good"]

    data, name = held(at.get("download_button")[0])
    assert name == "grades.csv"
    assert list(csv.DictReader(io.StringIO(data.decode("utf-8")))) == [
        {k: str(val) for k, val in row.items()} for row in table.to_dict("records")]

    at.toggle(key="nat_every").set_value(True).run()
    table = at.dataframe[0].value
    assert table.to_dict("records") == [h.grade_row(e) for e in graded_events(docs)]
    assert list(table["Overall effectiveness"]) == ["Inadequate", "Good"]

    at.multiselect(key="nat_grades").set_value(["Inadequate"]).run()
    assert list(at.dataframe[0].value["doc id"]) == [BCP_2021]
    data, _ = held(at.get("download_button")[0])
    assert [r["doc id"] for r in csv.DictReader(io.StringIO(data.decode("utf-8")))] == [BCP_2021], "the table as shown"

    at.multiselect(key="nat_grades").set_value([]).run()
    at.text_input(key="nat_council").input("christchurch").run()
    assert len(at.dataframe[0].value) == 2
    at.text_input(key="nat_council").input("Essex").run()
    assert len(at.dataframe[0].value) == 0


def test_national_page_charts_grades_by_year(bundled_index, monkeypatch):
    at = start(bundled_index, monkeypatch, "National")
    spec, rows = vega(at)
    assert spec["mark"]["type"] == "bar"
    assert [(r["year"], r["grade"], r["reports"]) for r in rows] == [("2021", "Inadequate", 1), ("2024", "Good", 1)]
    at.selectbox(key="nat_area").set_value("care leavers").run()
    spec, rows = vega(at)
    assert [(r["year"], r["grade"], r["reports"]) for r in rows] == [
        ("2021", "Requires improvement to be good", 1), ("2024", "Requires improvement to be good", 1)]
    assert spec["encoding"]["color"]["title"] == "Care leavers"


def test_national_page_without_graded_reports_says_so(tmp_path, monkeypatch):
    from index.index import Index
    from ingest.pipeline import ingest

    folder = tmp_path / "index"
    letter = tmp_path / "essex.txt"
    letter.write_text(ESSEX_LETTER, encoding="utf-8")
    with Index.open(folder, create=True) as index:
        ingest([letter], index)
    at = start(folder, monkeypatch, "National")
    assert [i.value for i in at.info] == ["No graded inspection report (ILACS or SIF) is indexed yet."]
    go_to(at, "Council")
    assert at.selectbox(key="council").value == "Essex"


# --- rows and charts -----------------------------------------------------------------------------------


def test_grade_rows_filter_by_council_and_overall_grade(bundled_qa):
    events = graded_events(bundled_qa.index.documents())
    assert [r["doc id"] for r in h.grade_rows(events)] == [BCP_2021, BCP_2024]
    assert [r["doc id"] for r in h.grade_rows(events, "  POOLE ", ["Good"])] == [BCP_2024]
    assert h.grade_rows(events, "", ["Outstanding"]) == []
    assert h.rows_csv([]) == ""
    assert h.rows_csv([{"a": "x,y", "b": 1}]) == 'a,b\r\n"x,y",1\r\n'


def test_timeline_colours_by_overall_grade_or_outcome(bundled_qa):
    from dataclasses import replace

    from ingest.models import Judgement

    event = council_events(bundled_qa.index.documents(), BCP)[-1]
    assert h.overall(event) == "Good"
    areas_only = replace(event, judgements=tuple(j for j in event.judgements if j.area != "Overall effectiveness"))
    assert h.overall(areas_only) == h.NO_OVERALL and "Leaders: Good" in h.grades_summary(areas_only)
    send = replace(event, judgements=(), outcome=Judgement("Inspection outcome", "Significant concerns", "There are…"))
    assert h.overall(send) == "Significant concerns" and h.grades_summary(send) == "Outcome: Significant concerns"
    assert h.overall(replace(event, judgements=())) == h.UNGRADED


def test_year_chart_keeps_grade_colours_and_order():
    rows = h.year_rows([(2023, "Inadequate", 2), (2023, "Good", 1), (2024, "Some new grade", 1)])
    assert [r["order"] for r in rows] == [3, 1, len(h.GRADE_COLOURS)]
    spec = charts.grades_by_year(rows, "Overall effectiveness").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Good", "Inadequate", "Some new grade"]
    assert scale["range"] == [h.GRADE_COLOURS["Good"], h.GRADE_COLOURS["Inadequate"], h.OTHER_GRADE]
