"""Search: the passages closest to a query, ranked, each with a way to its letter."""

from __future__ import annotations

import streamlit as st

import app_views as v
from app_pages import common as c


def main() -> None:
    folder = c.folder()
    qa = c.open_qa(folder)
    filters = c.sidebar_filters(folder)
    with st.form("search_form"):
        text = st.text_input("Search the letters", key="query")
        k = st.slider("Passages", 1, 50, 10, key="k")
        go = st.form_submit_button("Search", key="search")
    if go and text.strip():
        found = c.guarded(folder, qa.search, text.strip(), k, filters)
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
        c.letter_button(hit.doc.doc_id, f"open-s-{hit.rank}")


main()
