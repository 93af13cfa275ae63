"""The Streamlit app's Ask, Search, Letters, Check and Add letters pages, driven with AppTest over an index of
the bundled letters; and what an answer's downloads hold."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import app_exports as x
import app_views as v
from qa.jsonio import answer_json
from tests.apptest import go_to, on, record_downloads, start

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "data" / "letters"
PA_QUESTION = "What did inspectors say about PA caseloads?"
PA_DOC = "001_48f99557a5b80f02"
PA_SENTENCE = "Caseloads are monitored by senior leaders and have reduced significantly since the last inspection"
PATHWAY_QUESTION = "What did inspectors say about pathway plans for care leavers?"
PRESS_DOC = "004_82196dfbb9d4873c"
BCP_QUOTE = "serious and widespread weaknesses in the quality of children’s services"
BCP_2020_LETTER = "Focused visit to Bournemouth, Christchurch and Poole — 27 November 2020"
BCP_2021 = "bournemouth-christchurch-poole__2022-02-11__ilacs-inspection"
BCP_2024 = "bournemouth-christchurch-poole__2025-01-29__ilacs-inspection"
MARKED = re.compile(r"<mark[^>]*>(.*?)</mark>", re.S)


def ask(at, question: str):
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def marked(at) -> list[str]:
    return [m for h in at.html for m in MARKED.findall(h.value)]


def said(at) -> list[tuple[str, str]]:
    """(who, first words) of each chat message shown."""
    return [(m.name, (m.markdown[0].value if m.name == "user" else "")) for m in at.get("chat_message")]


@pytest.fixture
def app(bundled_index, monkeypatch):
    return start(bundled_index, monkeypatch)


@pytest.fixture
def held(monkeypatch):
    return record_downloads(monkeypatch)


# --- Ask ------------------------------------------------------------------------------------------------


def test_ask_cites_the_monitoring_visit_and_opens_the_letter(app):
    assert on(app) == "Ask" and app.chat_input(key="question")
    ask(app, PA_QUESTION)
    assert not app.warning
    assert said(app) == [("user", v.md_escape(PA_QUESTION)), ("assistant", "")]
    citations = next(h.value for h in app.html if "<b>[1]</b> Monitoring visit" in h.value)
    assert "12 January 2024" in citations
    cards = [h.value for h in app.html if PA_DOC in h.value]
    assert cards, "an evidence card names the letter"
    assert any(PA_SENTENCE in m for m in marked(app)), marked(app)

    app.button(key="open-a-0-1").click().run()
    assert not app.exception, app.exception
    assert on(app) == "Letters"
    assert app.selectbox(key="letter").value == PA_DOC
    assert any("cited in your last answer are marked" in c.value for c in app.caption)
    assert any(PA_SENTENCE in m for m in marked(app))


def test_ask_keeps_the_conversation_and_clears_it(app):
    assert app.button(key="clear").disabled, "nothing to clear yet"
    ask(app, PA_QUESTION)
    assert not app.button(key="clear").disabled
    ask(app, PATHWAY_QUESTION)
    answers = app.session_state.conversation
    assert [a.question for a in answers] == [PA_QUESTION, PATHWAY_QUESTION]
    assert said(app) == [("user", v.md_escape(PA_QUESTION)), ("assistant", ""),
                         ("user", v.md_escape(PATHWAY_QUESTION)), ("assistant", "")]
    first, second = app.get("chat_message")[1], app.get("chat_message")[3]
    assert any(PA_SENTENCE in m for h in first.get("html") for m in MARKED.findall(h.value)), "the first answer stays"
    assert any("pathway plan" in h.value.lower() for h in second.get("html"))
    assert {b.key for b in app.get("download_button")} == {
        f"ask-{kind}-{turn}" for kind in ("md", "csv", "json") for turn in (0, 1)}

    app.switch_page("app_pages/search.py").run()
    go_to(app, "Ask")  # kept while the reader looks elsewhere
    assert len(app.get("chat_message")) == 4

    app.button(key="clear").click().run()
    assert not app.exception
    assert app.session_state.conversation == [] and not app.get("chat_message")
    assert not app.get("download_button")


def test_an_answer_downloads_as_markdown_csv_and_json(app, held):
    ask(app, PA_QUESTION)
    answer = app.session_state.conversation[0]
    assert answer.citations
    md, table, js = app.get("download_button")
    assert [b.label for b in (md, table, js)] == [
        "Download answer (Markdown)", "Download citations (CSV)", "Download answer (JSON)"]

    data, name = held(js)
    assert name == "what-did-inspectors-say-about-pa-caseloads.json"
    assert json.loads(data) == json.loads(json.dumps(answer_json(answer)))

    data, name = held(table)
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [tuple(r) for r in rows[:1]] == [x.CSV_COLUMNS]
    assert [(int(r["n"]), r["doc"], r["title"], r["date"], r["section"], r["quote"]) for r in rows] == [
        (c.n, c.doc_id, c.title, c.date or "", c.section or "", c.quote) for c in answer.citations]
    assert any(PA_SENTENCE in r["quote"] for r in rows)

    data, name = held(md)
    text = data.decode("utf-8")
    assert name.endswith(".md") and text.startswith(f"## {PA_QUESTION}\n")
    for c in answer.citations:
        assert f"**[{c.n}]**" in text and " ".join(c.quote.split()) in text


def test_an_answer_about_many_documents_shows_its_rule_count_and_rows(app, bundled_qa):
    from qa.models import Aggregate, AggregateRow

    answer = bundled_qa.ask("What grades did the inspections give?")
    rows = []
    for doc_id in (BCP_2021, BCP_2024):
        m = bundled_qa.index.document(doc_id).meta
        rows.append(AggregateRow(doc_id, m.local_authority, m.doc_type, m.title, m.date, m.date_basis, m.visit_dates,
                                 m.judgements, ()))
    aggregate = Aggregate("list", "full inspections (ILACS and SIF) of <b>BCP</b>", 2, "documents", tuple(rows))
    app.session_state.conversation = [replace(answer, aggregate=aggregate)]
    app.run()
    assert not app.exception, app.exception
    assert x.aggregate_line(aggregate) == "2 documents: full inspections (ILACS and SIF) of <b>BCP</b>"
    assert f"**{v.md_escape(x.aggregate_line(aggregate))}**" in [m.value for m in app.markdown]
    table = app.dataframe[0].value
    assert list(table.columns) == list(x.AGGREGATE_COLUMNS)
    assert list(table["document"]) == [BCP_2021, BCP_2024]
    assert list(table["date"]) == ["2021-12-17", "2024-12-13"]
    assert table["grades"][0].endswith("Overall effectiveness: Inadequate")
    assert "Overall effectiveness: Good" in table["grades"][1]
    assert app.get("download_button"), "still downloadable"


def test_unanswerable_question_abstains_and_shows_closest_passages(app):
    ask(app, "How much does the council spend on agency social workers?")
    assert [w.value for w in app.warning] == ["The indexed letters do not address this."]
    assert any(c.value.startswith("Reason:") for c in app.caption)
    closest = [e for e in app.expander if e.label == "Closest passages"]
    assert closest and closest[0].html, "the retrieved passages are still shown"


# --- Search and Letters -----------------------------------------------------------------------------


def test_search_returns_ranked_passages_and_opens_a_letter(app):
    go_to(app, "Search")
    app.text_input(key="query").input("pathway plans for care leavers")
    app.slider(key="k").set_value(5)
    app.button(key="search").click().run()
    assert not app.exception
    cards = [h.value for h in app.html if "score" in h.value]
    assert len(cards) == 5
    _, hits = app.session_state.search_result
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    app.button(key="open-s-2").click().run()
    assert on(app) == "Letters" and app.selectbox(key="letter").value == hits[1].doc.doc_id


def test_filters_limit_the_search_and_are_kept_across_pages(app):
    go_to(app, "Search")
    app.sidebar.multiselect(key="f_sources").set_value(["press"])
    app.text_input(key="query").input("caseloads")
    app.button(key="search").click().run()
    query, hits = app.session_state.search_result
    assert hits and {h.doc.meta.source_kind for h in hits} == {"press"}
    go_to(app, "Letters")
    assert not app.sidebar.get("multiselect"), "the filters belong to Ask and Search"
    go_to(app, "Ask")
    assert app.sidebar.multiselect(key="f_sources").value == ["press"]


def test_letters_page_lists_the_nine_documents(app):
    go_to(app, "Letters")
    table = app.dataframe[0].value
    assert len(table) == 9
    assert PA_DOC in set(table["doc id"])
    assert {"title", "council", "type", "date", "visit dates", "inspectors", "source kind", "duplicate of"} <= set(table.columns)
    assert app.selectbox(key="letter").value in set(table["doc id"])
    assert app.html, "the selected letter's text is shown"


def test_a_letter_can_be_linked_to(bundled_index, monkeypatch):
    at = start(bundled_index, monkeypatch, "Letters", {"letter": PA_DOC})
    assert at.selectbox(key="letter").value == PA_DOC
    assert any("Caseloads are monitored by senior leaders" in h.value for h in at.html)


# --- Check ---------------------------------------------------------------------------------------------


def check_press_article(at, doc_id: str):
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
    assert on(app) == "Letters"
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

    article = (b"Council told to improve\n\nThe council's new chief executive opened a library on Tuesday.\n\n"
               b"Ofsted said long-term placement stability, at 63%, is above comparators.\n")
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


# --- Add letters, and no index ------------------------------------------------------------------------


def test_missing_index_explains_how_to_build_one(tmp_path, monkeypatch):
    at = start(tmp_path / "nothing-here", monkeypatch)
    assert any("no index" in i.value for i in at.info)
    assert any("python -m ingest" in c.value for c in at.code)
    assert not at.chat_input, "nothing to ask yet"
    go_to(at, "Add letters")
    assert at.get("file_uploader"), "uploading is offered"
    go_to(at, "Search")
    assert any("no index" in i.value for i in at.info) and not at.text_input, "nothing to search yet"


def test_a_broken_index_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "index.sqlite").write_bytes(b"this is not a database" * 100)
    at = start(folder, monkeypatch)
    assert len(at.error) == 1 and "cannot be opened" in at.error[0].value


def test_upload_is_saved_safely_and_searchable_at_once(bundled_index, tmp_path, monkeypatch):
    folder = tmp_path / "index"
    shutil.copytree(bundled_index, folder)
    at = go_to(start(folder, monkeypatch), "Add letters")
    letter = (b"Dear Director\n\nMonitoring visit to Bournemouth, Christchurch and Poole children's services\n\n"
              b"Inspectors found that the zebrafinch protocol for care leavers is applied consistently "
              b"and that young people value it.\n\nYours sincerely\n")
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


# --- the answer's files ---------------------------------------------------------------------------------


def test_answer_files_escape_markdown_and_keep_quotes_whole():
    from qa.models import Answer, Citation

    quote = "Plans are | poor <b>now</b>\nand later."
    answer = Answer("Why | <i>so</i>?", "Plans are poor. [1]", False,
                    citations=(Citation(1, "d1", "Visit <1>", "2024-01-02", None, quote, 10, 10 + len(quote), "d1:0"),))
    md = x.answer_markdown(answer)
    assert md.startswith("## Why \\| &lt;i&gt;so&lt;/i&gt;?\n")
    assert "> Plans are \\| poor &lt;b&gt;now&lt;/b&gt; and later." in md and "<b>" not in md
    rows = list(csv.DictReader(io.StringIO(x.answer_csv(answer))))
    assert rows == [{"n": "1", "doc": "d1", "title": "Visit <1>", "date": "2024-01-02", "section": "", "quote": quote}]
    assert json.loads(x.answer_json_text(answer))["citations"][0]["quote"] == quote
    assert x.ABSTAINED in x.answer_markdown(Answer("Q?", "", True, reason="nothing close"))
