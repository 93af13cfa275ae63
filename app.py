"""streamlit run app.py: ask, search, read and check what Ofsted inspectors wrote to councils.

The index folder is $OFSTED_QA_INDEX (default var/index). Each page is a module of app_pages, chosen with
Streamlit's own navigation; letter text is always shown escaped (see app_views).
"""

from __future__ import annotations

import sqlite3

import streamlit as st

import app_views as v
from app_pages import common as c
from index.errors import IndexError_, IndexMissing


def pages() -> list:
    return [
        st.Page(c.ASK, title="Ask", icon=":material/forum:", default=True),
        st.Page(c.SEARCH, title="Search", icon=":material/search:"),
        st.Page(c.LETTERS, title="Letters", icon=":material/description:"),
        st.Page(c.CHECK, title="Check", icon=":material/fact_check:"),
        st.Page(c.COUNCIL, title="Council", icon=":material/account_balance:"),
        st.Page(c.NATIONAL, title="National", icon=":material/map:"),
        st.Page(c.ADD, title="Add letters", icon=":material/upload_file:"),
    ]


def main() -> None:
    st.set_page_config(page_title="Ofsted letters", layout="wide")
    page = st.navigation(pages())
    st.title(page.title)
    folder = c.folder()
    try:
        qa = c.open_qa(folder)
    except IndexMissing:
        st.info(f"There is no index in {v.md_escape(folder)} yet. Build one from a folder of letters with the "
                "command below, or add letters on the **Add letters** page.")
        st.code(f"python -m ingest data/letters --index {folder}", language="bash")
        qa = None
    except (IndexError_, sqlite3.DatabaseError) as e:
        st.error(f"The index in {v.md_escape(folder)} cannot be opened: {v.md_escape(str(e))}")
        return
    if qa is not None and qa.index.consistency is not None and not qa.index.consistency.ok:
        st.sidebar.warning(v.md_escape(qa.index.consistency.describe(folder)))
    if qa is not None or page.title == "Add letters":
        page.run()


main()
