"""The Streamlit app, driven with AppTest over an index of the bundled letters; and its pure helpers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import app_views as v
from index.index import Filters

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
LETTERS = ROOT / "data" / "letters"
PA_QUESTION = "What did inspectors say about PA caseloads?"
PA_DOC = "001_48f99557a5b80f02"
PA_SENTENCE = "Caseloads are monitored by senior leaders and have reduced significantly since the last inspection"
MARKED = re.compile(r"<mark[^>]*>(.*?)</mark>", re.S)


def start(folder: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("OFSTED_QA_INDEX", str(folder))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def go_to(at: AppTest, page: str) -> AppTest:
    at.sidebar.radio(key="page").set_value(page).run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").input(question)
    at.button(key="ask").click().run()
    assert not at.exception, at.exception
    return at


def marked(at: AppTest) -> list[str]:
    return [m for h in at.html for m in MARKED.findall(h.value)]


@pytest.fixture
def app(bundled_index, monkeypatch) -> AppTest:
    return start(bundled_index, monkeypatch)


# --- the app -----------------------------------------------------------------------------------------


def test_ask_cites_the_monitoring_visit_and_opens_the_letter(app):
    ask(app, PA_QUESTION)
    assert not app.warning
    citations = next(h.value for h in app.html if "<b>[1]</b> Monitoring visit" in h.value)
    assert "12 January 2024" in citations
    cards = [h.value for h in app.html if PA_DOC in h.value]
    assert cards, "an evidence card names the letter"
    assert any(PA_SENTENCE in m for m in marked(app)), marked(app)

    app.button(key="open-a-1").click().run()
    assert not app.exception
    assert app.session_state.page == "Letters"
    assert app.selectbox(key="letter").value == PA_DOC
    assert any("cited in your last answer are marked" in c.value for c in app.caption)
    assert any(PA_SENTENCE in m for m in marked(app))


def test_unanswerable_question_abstains_and_shows_closest_passages(app):
    ask(app, "How much does the council spend on agency social workers?")
    assert [w.value for w in app.warning] == ["The indexed letters do not address this."]
    assert any(c.value.startswith("Reason:") for c in app.caption)
    closest = [e for e in app.expander if e.label == "Closest passages"]
    assert closest and closest[0].html, "the retrieved passages are still shown"


def test_letters_page_lists_the_nine_documents(app):
    go_to(app, "Letters")
    table = app.dataframe[0].value
    assert len(table) == 9
    assert PA_DOC in set(table["doc id"])
    assert {"title", "council", "type", "date", "visit dates", "inspectors", "source kind", "duplicate of"} <= set(table.columns)
    assert app.selectbox(key="letter").value in set(table["doc id"])
    assert app.html, "the selected letter's text is shown"


def test_search_returns_ranked_passages(app):
    go_to(app, "Search")
    app.text_input(key="query").input("pathway plans for care leavers")
    app.slider(key="k").set_value(5)
    app.button(key="search").click().run()
    assert not app.exception
    cards = [h.value for h in app.html if "score" in h.value]
    assert len(cards) == 5
    _, hits = app.session_state.search_result
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]


def test_check_page_gives_a_verdict_table(app):
    go_to(app, "Check")
    app.text_area(key="check_text").input("Ofsted said caseloads have reduced significantly since the last inspection.")
    app.checkbox(key="single_claim").check()
    app.button(key="check").click().run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table.columns) == ["claim", "verdict", "quote status", "evidence letter", "evidence sentence", "reason"]
    assert len(table) == 1 and table["verdict"][0] in {"supported", "contradicted", "not found"}


def test_filters_limit_the_search(app):
    go_to(app, "Search")
    app.sidebar.multiselect(key="f_sources").set_value(["press"])
    app.text_input(key="query").input("caseloads")
    app.button(key="search").click().run()
    query, hits = app.session_state.search_result
    assert hits and {h.doc.meta.source_kind for h in hits} == {"press"}


def test_missing_index_explains_how_to_build_one(tmp_path, monkeypatch):
    at = start(tmp_path / "nothing-here", monkeypatch)
    assert any("no index" in i.value for i in at.info)
    assert any("python -m ingest" in c.value for c in at.code)
    go_to(at, "Add letters")
    assert at.get("file_uploader"), "uploading is offered"


def test_upload_is_saved_safely_and_searchable_at_once(bundled_index, tmp_path, monkeypatch):
    folder = tmp_path / "index"
    shutil.copytree(bundled_index, folder)
    at = go_to(start(folder, monkeypatch), "Add letters")
    letter = ("Dear Director\n\nMonitoring visit to Bournemouth, Christchurch and Poole children's services\n\n"
              "Inspectors found that the zebrafinch protocol for care leavers is applied consistently "
              "and that young people value it.\n\nYours sincerely\n").encode()
    at.get("file_uploader")[0].set_value([("../../évian lettre été.txt", letter, "text/plain")])
    at.run()
    at.button(key="add").click().run()
    assert not at.exception, at.exception
    report = at.session_state.report
    assert len(report.ingested) == 1 and not report.failed, report.failed
    saved = folder / "uploads" / "évian lettre été.txt"
    assert saved.read_bytes() == letter
    assert [p.name for p in (folder / "uploads").iterdir()] == [saved.name]

    go_to(at, "Search")
    at.text_input(key="query").input("zebrafinch protocol")
    at.button(key="search").click().run()
    _, hits = at.session_state.search_result
    assert hits[0].doc.doc_id == "évian lettre été"


def test_upload_into_a_new_index_creates_it(tmp_path, monkeypatch):
    folder = tmp_path / "fresh"
    at = go_to(start(folder, monkeypatch), "Add letters")
    at.get("file_uploader")[0].set_value([("letter.txt", (LETTERS / f"{PA_DOC}.txt").read_bytes(), "text/plain")])
    at.run()
    at.button(key="add").click().run()
    assert not at.exception, at.exception
    assert at.session_state.report.ingested and not at.info, "the new index is opened without a restart"
    go_to(at, "Letters")
    assert list(at.dataframe[0].value["doc id"]) == ["letter"]


def test_upload_while_another_ingest_writes_is_refused_politely(bundled_index, tmp_path, monkeypatch):
    from index.index import Index

    folder = tmp_path / "index"
    shutil.copytree(bundled_index, folder)
    at = go_to(start(folder, monkeypatch), "Add letters")
    at.get("file_uploader")[0].set_value([("x.txt", b"Inspectors visited.", "text/plain")])
    at.run()
    with Index.open(folder) as other, other.writing():
        at.button(key="add").click().run()
    assert not at.exception, at.exception
    assert any("Another ingest is writing" in e.value for e in at.error)


# --- helpers -----------------------------------------------------------------------------------------


def test_highlight_escapes_letter_text_and_marks_spans():
    text = 'Say <script>alert("x")</script> & *bold* then the cited bit.'
    start = text.index("the cited")
    out = v.highlight(text, [(start, len(text), 1)])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp;" in out
    assert MARKED.findall(out) == ["the cited bit."]
    assert out.endswith("<sup>[1]</sup>")


def test_highlight_merges_overlaps_and_clips():
    out = v.highlight("abcdefgh", [(1, 4), (3, 6), (7, 99), (5, 2)])
    assert MARKED.findall(out) == ["bcdef", "h"]
    assert v.highlight("a<b", []) == "a&lt;b"


def test_escape_and_answer_html():
    assert v.escape("a\nb<i>") == "a<br>b&lt;i&gt;"
    assert v.answer_html("It <b>is</b> so. [1]").count("<b>") == 1
    assert r"\*" in v.md_escape("*x*") and r"\[" in v.md_escape("[x](y)")
    assert "<img" not in v.card('<img src=x onerror="alert(1)">', "") and "&lt;img" in v.card("<img>", "")


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("Ofsted – lettre été.pdf", "Ofsted – lettre été.pdf"),
    ("бюллетень 2024.docx", "бюллетень 2024.docx"),
    ("a\x00b\x1f\u202ec.txt", "abc.txt"),
    ("..", "upload"),
    (".hidden.txt", "hidden.txt"),
    (".pdf", "upload.pdf"),
    ("", "upload"),
    ('what?<is>:"this".md', "what__is___this_.md"),
])
def test_sanitize_filename(name, expected):
    assert v.sanitize_filename(name) == expected


def test_upload_path_stays_inside_the_folder(tmp_path):
    for name in ("../../etc/passwd", "/etc/passwd", "..", "a/../../b.txt", "x" * 400 + ".pdf"):
        path = v.upload_path(tmp_path, name)
        assert path.parent == tmp_path.resolve()
        assert len(path.name.encode()) <= v.MAX_NAME_BYTES
    assert v.upload_path(tmp_path, "x" * 400 + ".pdf").suffix == ".pdf"


def test_build_filters():
    assert v.build_filters() == Filters()
    f = v.build_filters(["Essex"], ["focused_visit"], dt.date(2024, 5, 1), dt.date(2023, 1, 1), ["official"])
    assert f == Filters(local_authorities=("Essex",), doc_types=("focused_visit",), date_from="2023-01-01",
                        date_to="2024-05-01", source_kinds=("official",))
