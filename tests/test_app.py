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
PRESS_DOC = "004_82196dfbb9d4873c"
BCP_QUOTE = "serious and widespread weaknesses in the quality of children’s services"
BCP_2020_LETTER = "Focused visit to Bournemouth, Christchurch and Poole — 27 November 2020"
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


def check_press_article(at: AppTest, doc_id: str) -> AppTest:
    go_to(at, "Check")
    at.radio(key="check_source").set_value("Indexed press article").run()
    at.selectbox(key="check_doc").set_value(doc_id).run()
    at.button(key="check").click().run()
    assert not at.exception, at.exception
    return at


def test_check_page_checks_an_indexed_press_article(app, monkeypatch):
    from qa.report import COLUMNS

    check_press_article(app, PRESS_DOC)
    assert app.selectbox(key="check_doc").options == [
        "Press: first monitoring visit to Bournemouth, Christchurch and Poole (June 2022)",
        "Press: focused visit to Bournemouth, Christchurch and Poole"]
    verdicts = app.session_state.check_result["verdicts"]
    table = app.dataframe[0].value
    assert list(table.columns) == list(COLUMNS)
    assert list(table["claim"]) == [v.claim for v in verdicts] and len(table) >= 5
    assert any(c.startswith("OFSTED said there are “serious and widespread weaknesses") for c in table["claim"])
    assert app.markdown[0].value == f"**{v.summary_line(verdicts)}**"
    assert app.markdown[0].value.startswith(f"**{len(verdicts)} claims: ")
    assert len(app.expander) == len(verdicts)

    quotation = [h.value for h in app.html if f"“{BCP_QUOTE}”" in h.value and "verbatim</span>" in h.value]
    assert quotation, "the quotation is shown with its status"
    assert f"stands in {BCP_2020_LETTER} (official)" in quotation[0]

    downloads = app.get("download_button")
    assert [d.label for d in downloads] == ["Download report (Markdown)", "Download report (CSV)"]
    assert [Path(d.proto.url).suffix for d in downloads] == [".md", ".csv"]

    def boom(*args, **kwargs):
        raise AssertionError("checked again")

    monkeypatch.setattr("qa.check.check_document", boom)
    app.button(key="check").click().run()  # the same article again: answered from the session's cache
    assert not app.exception, app.exception
    assert app.session_state.check_result["verdicts"] == verdicts

    app.button(key="open-c-1-0").click().run()
    assert not app.exception
    assert app.session_state.page == "Letters"
    assert app.selectbox(key="letter").value == "bournemouth-christchurch-poole__2020-11-27__focused-visit"


def test_check_page_contradicts_a_single_claim(app):
    go_to(app, "Check")
    app.text_area(key="check_text").input("Ofsted said long-term placement stability, at 63%, is above comparators.")
    app.checkbox(key="single_claim").check()
    app.button(key="check").click().run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert len(table) == 1 and table["verdict"][0] == "contradicted", table.to_dict("records")
    reason = table["reason"][0]
    assert "above" in reason and "below" in reason
    assert app.expander[0].label.startswith(r"1\. contradicted")
    assert any("contradicted · high confidence" in h.value and "&#x27;below&#x27;" in h.value for h in app.html)
    assert any(h.value.count("Judged by") == 1 and "63%, is below comparators" in h.value for h in app.html)
    assert [Path(d.proto.url).suffix for d in app.get("download_button")] == [".md", ".csv"]


def test_check_page_checks_an_uploaded_article_and_reports_an_unreadable_one(app):
    go_to(app, "Check")
    app.radio(key="check_source").set_value("Upload an article").run()
    app.get("file_uploader")[0].set_value([("../<b>broken</b>.pdf", b"%PDF-1.4 not really", "application/pdf")])
    app.run()
    app.button(key="check").click().run()
    assert not app.exception, app.exception
    assert len(app.error) == 1 and "not a readable PDF" in app.error[0].value
    assert "check_result" not in app.session_state

    article = ("Council told to improve\n\nThe council's new chief executive opened a library on Tuesday.\n\n"
               "Ofsted said long-term placement stability, at 63%, is above comparators.\n").encode()
    app.get("file_uploader")[0].set_value([("bcp story.txt", article, "text/plain")])
    app.run()
    app.button(key="check").click().run()
    assert not app.exception and not app.error, app.exception or app.error
    assert app.subheader[0].value == "bcp story"
    table = app.dataframe[0].value
    assert list(table["claim"]) == ["Ofsted said long-term placement stability, at 63%, is above comparators."]
    assert list(table["verdict"]) == ["contradicted"]
    app.radio(key="check_source").set_value("Paste text").run()
    assert not app.dataframe, "each way in shows only its own last check"


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


# --- claim-check helpers ------------------------------------------------------------------------------


def verdict(kind="supported", quotes=(), confidence="high", claim="A claim.", reason="because", attribution=""):
    from qa.models import Verdict

    return Verdict(claim, kind, reason, quotes=tuple(quotes), attribution=attribution, confidence=confidence)


def test_diff_html_escapes_and_marks_dropped_and_added_words():
    out = v.diff_html("all <b>assessments</b> are unfit and contain no analysis",
                      "most <b>assessments</b>, to evaluate need, are unfit")
    assert "<b>" not in out and "&lt;b&gt;assessments&lt;/b&gt;" in out
    assert re.findall(r"<del[^>]*>(.*?)</del>", out) == ["most", "to evaluate need,"]
    assert re.findall(r"<ins[^>]*>(.*?)</ins>", out) == ["all", "and contain no analysis"]
    assert "line-through" in out and "#c92a2a" in out and "#2b8a3e" in out
    assert v.diff_html("are unfit", "are unfit") == "are unfit"


def test_quotation_html_shows_status_diff_and_letter():
    altered = {"quote": "all <b>plans</b> are poor", "status": "altered", "doc": "d1", "title": "Visit <i>1</i>",
               "source_kind": "official", "sentence": "Most <b>plans</b> are poor.",
               "diff": [{"op": "changed", "letter": "most", "quote": "all"}], "summary": "changed 'most'→'all'"}
    out = v.quotation_html(altered)
    assert "<b>" not in out and "<i>" not in out and "Visit &lt;i&gt;1&lt;/i&gt;" in out
    assert ">altered</span>" in out and re.findall(r"<del[^>]*>(.*?)</del>", out) == ["Most"]
    assert re.findall(r"<ins[^>]*>(.*?)</ins>", out) == ["all"]
    absent = {"quote": "x <script>", "status": "absent", "doc": None, "title": None, "sentence": None, "diff": [],
              "summary": "no sentence of the letters is close"}
    out = v.quotation_html(absent)
    assert ">absent</span>" in out and "&lt;script&gt;" in out and "<del" not in out
    no_sentence = dict(altered, sentence=None)
    assert re.findall(r"<del[^>]*>(.*?)</del>", v.quotation_html(no_sentence)) == ["most"]


def test_summary_line_and_badges():
    q = {"quote": "q", "status": "verbatim"}
    verdicts = [verdict("supported", [q, dict(q, status="altered")]), verdict("contradicted"), verdict("not_found"),
                verdict("supported")]
    assert v.summary_line(verdicts) == ("4 claims: 2 supported, 1 contradicted, 1 not found; "
                                        "quotations: 1 verbatim, 1 altered, 0 absent")
    assert v.summary_line([verdict("not_found")]) == "1 claim: 0 supported, 0 contradicted, 1 not found; no quotations"
    assert v.summary_line([]).startswith("0 claims")
    assert "not found · low confidence" in v.verdict_badge("not_found", "low")
    assert "background:transparent" in v.verdict_badge("supported", "low")
    assert "#c92a2a" in v.verdict_badge("contradicted")
    shown = v.verdict_html(verdict(reason="the letter says <b>no</b>", attribution="<i>Visit</i>"))
    assert "<b>" not in shown and "<i>" not in shown and "Traced to: &lt;i&gt;Visit&lt;/i&gt;" in shown
    assert v.claim_label(3, verdict("not_found", claim="*x* [y](z)")) == r"3\. not found — \*x\* \[y\]\(z\)"
    assert len(v.claim_label(1, verdict(claim="word " * 100))) < 130


def test_report_name_and_unique_evidence():
    from qa.models import Evidence

    assert v.report_name("Press: focused visit to BCP (2020)") == "press-focused-visit-to-bcp-2020"
    assert v.report_name("") == v.report_name("—") == "claims"
    e = Evidence("d", "T", None, "Same sentence.", 0, 14)
    assert v.unique_evidence([e, Evidence("d", "T", None, "Same sentence.", 0, 14, similarity=0.5), e]) == [e]
