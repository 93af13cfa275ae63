"""What the pages share: the opened index (once per process), its lock, error messages instead of
tracebacks, the sidebar filters, and the way from any page to a letter or a council."""

from __future__ import annotations

import datetime as dt
import threading

import streamlit as st

import app_views as v
from index.errors import IndexError_, IndexLocked, IndexMissing
from index.index import Index
from ingest.models import DOC_TYPES, SOURCE_KINDS
from ofsted_qa.settings import Settings, default_index_dir

# Paths relative to app.py, as st.Page and st.switch_page take them.
ASK = "app_pages/ask.py"
SEARCH = "app_pages/search.py"
LETTERS = "app_pages/letters.py"
CHECK = "app_pages/check.py"
COUNCIL = "app_pages/council.py"
NATIONAL = "app_pages/national.py"
ADD = "app_pages/add.py"


def folder() -> str:
    """The index folder: $OFSTED_QA_INDEX, else var/index."""
    return str(default_index_dir())


@st.cache_resource(show_spinner="Opening the index and loading the model…")
def open_qa(folder: str):
    from qa.service import QA

    return QA(Index.open(folder, Settings()))


def qa_if_any(folder: str):
    """The open index, or None when there is none yet (the Add letters page can make one)."""
    try:
        return open_qa(folder)
    except IndexMissing:
        return None


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


def forget_letters() -> None:
    """After an ingest: the cached tables and lists no longer hold every letter."""
    letter_rows.clear()
    councils.clear()


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


def open_letter(doc_id: str, cited: list | None = None) -> None:
    """Go to the Letters page with `doc_id` selected (and, from an answer, its cited sentences to mark)."""
    if cited is not None:
        st.session_state.cited = cited
    st.session_state.letter = doc_id
    st.switch_page(LETTERS)


def letter_button(doc_id: str, key: str, cited: list | None = None) -> None:
    """An "Open letter" button; st.switch_page cannot run in a button callback, so it runs on the click."""
    if st.button("Open letter", key=key):
        open_letter(doc_id, cited)


def sidebar_filters(folder: str):
    """The filters for Ask and Search; they keep their values on the other pages."""
    side = st.sidebar
    side.header("Filters")
    chosen = side.multiselect("Council", councils(folder), key="f_councils", persist_state="session")
    types = side.multiselect("Document type", DOC_TYPES, key="f_types", format_func=lambda t: t.replace("_", " "),
                             persist_state="session")
    first = dt.date(2000, 1, 1)
    date_from = side.date_input("From", value=None, min_value=first, key="f_from", format="YYYY-MM-DD",
                                persist_state="session")
    date_to = side.date_input("To", value=None, min_value=first, key="f_to", format="YYYY-MM-DD",
                              persist_state="session")
    kinds = side.multiselect("Source", SOURCE_KINDS, key="f_sources", persist_state="session")
    side.caption("Filters apply to Ask and Search.")
    return v.build_filters(chosen, types, date_from, date_to, kinds)
