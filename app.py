"""streamlit run app.py: ask, search, read and check what Ofsted inspectors wrote to councils.

The index folder is $OFSTED_QA_INDEX (default var/index). Letter text is always shown escaped
(see app_views); pages are chosen with the sidebar radio, whose value lives in st.session_state.page.
The Check page lives in app_check.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import streamlit as st

import app_check
import app_views as v
from index.errors import IndexError_, IndexLocked, IndexMissing
from index.index import Index
from ingest.models import DOC_TYPES, SOURCE_KINDS
from ingest.settings import Settings, default_index_dir

PAGES = ("Ask", "Search", "Letters", "Check", "Add letters")
ABSTAINED = "The indexed letters do not address this."


# --- resources, opened once per process -------------------------------------------------------------


@st.cache_resource(show_spinner="Opening the index and loading the model…")
def open_qa(folder: str):
    from qa.service import QA

    return QA(Index.open(folder, Settings()))


@st.cache_resource
def index_lock(folder: str) -> threading.RLock:
    """Sessions share one Index: searches and ingests take turns."""
    return threading.RLock()


@st.cache_data(ttl=60, show_spinner=False)
def letter_rows(folder: str) -> list[dict]:
    return v.document_rows(open_qa(folder).index.documents())


@st.cache_data(ttl=60, show_spinner=False)
def councils(folder: str) -> list[str]:
    return sorted(open_qa(folder).index.authorities())


def guarded(folder: str, work, *args, **kwargs):
    """Run `work` under the index lock; our index errors become messages, not tracebacks."""
    try:
        with index_lock(folder):
            return work(*args, **kwargs)
    except IndexLocked:
        st.error("Another ingest is writing to the index right now; try again when it has finished.")
    except IndexError_ as e:
        st.error(v.md_escape(str(e)))
    return None


def open_letter(doc_id: str) -> None:
    """Button callback: switch to the Letters page with `doc_id` selected."""
    st.session_state.page = "Letters"
    st.session_state.letter = doc_id


# --- sidebar ------------------------------------------------------------------------------------------


def sidebar_filters(folder: str):
    side = st.sidebar
    side.header("Filters")
    chosen = side.multiselect("Council", councils(folder), key="f_councils")
    types = side.multiselect("Document type", DOC_TYPES, key="f_types", format_func=lambda t: t.replace("_", " "))
    first = dt.date(2000, 1, 1)
    date_from = side.date_input("From", value=None, min_value=first, key="f_from", format="YYYY-MM-DD")
    date_to = side.date_input("To", value=None, min_value=first, key="f_to", format="YYYY-MM-DD")
    kinds = side.multiselect("Source", SOURCE_KINDS, key="f_sources")
    side.caption("Filters apply to Ask and Search.")
    return v.build_filters(chosen, types, date_from, date_to, kinds)


# --- pages ------------------------------------------------------------------------------------------


@st.cache_resource
def open_writer(folder: str):
    """The generative answerer the settings (environment) name, or None when no model is set."""
    settings = Settings()
    if not settings.llm_model:
        return None
    return open_qa(folder).make_answerer(replace(settings, answerer="generative"))


def written_answer(qa, writer, question: str, filters):
    """The model's draft streamed onto the page, then replaced by the verified answer."""
    draft = st.empty()

    def show(chunks) -> str:
        with draft.container():
            st.caption("The model's draft, not yet checked against its citations:")
            raw = st.write_stream(chunks)
        draft.empty()
        return raw if isinstance(raw, str) else "".join(map(str, raw))

    query, hits = qa.search(question, filters=filters)
    return writer.answer(query, hits, show=show)


def ask_page(folder: str, qa, filters) -> None:
    writer = open_writer(folder)
    with st.form("ask_form"):
        question = st.text_input("Question", key="question", placeholder="What did inspectors say about …?")
        written = writer is not None and st.toggle(
            "Written answer", key="written", help="A language model writes a short answer from the passages; "
            "every sentence is checked against its citation before it is shown.")
        asked = st.form_submit_button("Ask", key="ask")
    if asked and question.strip():
        with st.spinner("Reading the letters…"):
            if written:
                answer = guarded(folder, written_answer, qa, writer, question.strip(), filters)
            else:
                answer = guarded(folder, qa.ask, question.strip(), filters)
        if answer is not None:
            st.session_state.answer = answer
            st.session_state.cited = v.cited_spans(answer)
    answer = st.session_state.get("answer")
    if answer is not None:
        show_answer(answer)


def show_answer(answer) -> None:
    if answer.scope:
        st.caption("Understood scope: " + v.md_escape(answer.scope))
    for note in answer.loosened:
        st.caption("Note: " + v.md_escape(note))
    if answer.uncertain:
        st.info("These passages may not answer the question directly"
                + (f" ({v.md_escape(answer.reason)})" if answer.reason else "") + ": read them before relying on them.")
    if answer.abstained:
        st.warning(ABSTAINED)
        if answer.reason:
            st.caption("Reason: " + v.md_escape(answer.reason))
        with st.expander("Closest passages"):
            for hit in answer.hits:
                st.html(v.hit_card(hit))
        return
    st.html(v.answer_html(answer.text))
    if answer.answerer == "generative":
        st.caption("Written by a language model from the passages; every sentence was checked against its "
                   "citation." + (f" {v.md_escape(answer.reason)}." if answer.reason else ""))
    elif answer.generated is not None:
        st.caption(v.md_escape(answer.reason) + ".")
    st.subheader("Citations")
    st.html(v.citations_html(answer.citations))
    st.subheader("Evidence")
    for card in v.evidence_cards(answer):
        numbers = ", ".join(str(n) for n in card.numbers)
        st.html(v.card(f"[{numbers}] {v.where(card.title, card.date, card.section)} · {card.doc_id}", card.html))
        st.button("Open letter", key=f"open-a-{card.numbers[0]}", on_click=open_letter, args=(card.doc_id,))


def search_page(folder: str, qa, filters) -> None:
    with st.form("search_form"):
        text = st.text_input("Search the letters", key="query")
        k = st.slider("Passages", 1, 50, 10, key="k")
        go = st.form_submit_button("Search", key="search")
    if go and text.strip():
        found = guarded(folder, qa.search, text.strip(), k, filters)
        if found is not None:
            st.session_state.search_result = found
    found = st.session_state.get("search_result")
    if found is None:
        return
    query, hits = found
    if query.scope.describe():
        st.caption("Understood scope: " + v.md_escape(query.scope.describe()))
    for note in query.loosened:
        st.caption("Note: " + v.md_escape(note))
    if not hits:
        st.info("No passage matches" + (" the filters chosen." if not query.explicit.is_empty() else "."))
    for hit in hits:
        st.html(v.hit_card(hit))
        st.button("Open letter", key=f"open-s-{hit.rank}", on_click=open_letter, args=(hit.doc.doc_id,))


def letters_page(folder: str, qa) -> None:
    rows = letter_rows(folder)
    st.caption(f"{len(rows)} documents in the index")
    st.dataframe(rows, hide_index=True)
    if not rows:
        return
    titles = {r["doc id"]: r["title"] for r in rows}
    if st.session_state.get("letter") not in titles:
        st.session_state.pop("letter", None)
    doc_id = st.selectbox("Read a letter", list(titles), key="letter", format_func=lambda d: f"{d} — {titles[d]}")
    doc = guarded(folder, qa.index.document, doc_id)
    if doc is None:
        return
    spans = v.letter_spans(doc.text, st.session_state.get("cited", []), doc_id)
    if spans:
        st.caption(f"{len(spans)} sentence(s) cited in your last answer are marked.")
    m = doc.meta
    heading = f"{v.where(m.title, m.date, None)} · {m.local_authority or 'council unknown'} · {doc_id}"
    st.html(v.card(heading, v.highlight(doc.text, spans)))


def add_page(folder: str, qa) -> None:
    st.write("Add letters (PDF, Word, HTML, Markdown or text). They are kept in the index folder's "
             "`uploads` and can be searched as soon as they are ingested.")
    files = st.file_uploader("Letters", type=list(v.UPLOAD_TYPES), accept_multiple_files=True, key="uploads")
    if st.button("Add to the index", key="add", disabled=not files):
        report = add_letters(folder, qa, files)
        if report is not None:
            st.session_state.report = report
            if qa is None:  # a new index: open it on the next run
                open_qa.clear()
                st.rerun()
    report = st.session_state.get("report")
    if report is not None:
        (st.success if not report.failed else st.warning)(report.summary())
        st.dataframe(v.report_rows(report), hide_index=True)


def add_letters(folder: str, qa, files):
    from ingest.pipeline import ingest

    uploads = Path(folder) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        path = v.upload_path(uploads, f.name)
        path.write_bytes(f.getvalue())
        paths.append(path)
    bar = st.progress(0.0, text="Starting…")

    def progress(n: int, total: int, name: str) -> None:
        bar.progress((n - 1) / max(total, 1), text=f"{n}/{total}: {v.md_escape(name)}")

    def run():
        if qa is not None:
            return ingest(paths, qa.index, on_progress=progress)
        with Index.open(folder, Settings(), create=True) as index:
            return ingest(paths, index, on_progress=progress)

    with st.spinner("Ingesting…"):
        report = guarded(folder, run)
    if report is None:
        bar.empty()
    else:
        bar.progress(1.0, text="Done")
    letter_rows.clear()
    councils.clear()
    return report


# --- main -------------------------------------------------------------------------------------------


def main() -> None:
    st.set_page_config(page_title="Ofsted letters", layout="wide")
    folder = str(default_index_dir())
    st.session_state.setdefault("page", PAGES[0])
    page = st.sidebar.radio("Page", PAGES, key="page")
    st.title(page)
    qa = None
    try:
        qa = open_qa(folder)
    except IndexMissing:
        st.info(f"There is no index in {v.md_escape(folder)} yet. Build one from a folder of letters with the "
                "command below, or add letters on the **Add letters** page.")
        st.code(f"python -m ingest data/letters --index {folder}", language="bash")
    except (IndexError_, sqlite3.DatabaseError) as e:
        st.error(f"The index in {v.md_escape(folder)} cannot be opened: {v.md_escape(str(e))}")
        return
    if qa is not None and qa.index.consistency is not None and not qa.index.consistency.ok:
        st.sidebar.warning(v.md_escape(qa.index.consistency.describe(folder)))
    filters = sidebar_filters(folder) if qa is not None else None
    if page == "Add letters":
        add_page(folder, qa)
    elif qa is None:
        return
    elif page == "Ask":
        ask_page(folder, qa, filters)
    elif page == "Search":
        search_page(folder, qa, filters)
    elif page == "Letters":
        letters_page(folder, qa)
    else:
        app_check.check_page(folder, qa, guarded, open_letter)


main()
