"""Letters: every indexed document, and one of them to read with the sentences last cited marked.

The letter chosen is kept in the address (?letter=doc id), so a letter can be linked to; other pages open
one by setting st.session_state.letter before switching here.
"""

from __future__ import annotations

import streamlit as st

import app_views as v
from app_pages import common as c


def main() -> None:
    folder = c.folder()
    qa = c.open_qa(folder)
    rows = c.letter_rows(folder)
    st.caption(f"{len(rows)} documents in the index")
    st.dataframe(rows, hide_index=True)
    if not rows:
        return
    titles = {r["doc id"]: r["title"] for r in rows}
    if st.session_state.get("letter") not in titles:
        st.session_state.pop("letter", None)
        if st.query_params.get("letter") in titles:
            st.session_state.letter = st.query_params["letter"]
    doc_id = st.selectbox("Read a letter", list(titles), key="letter", format_func=lambda d: f"{d} — {titles[d]}")
    st.query_params["letter"] = doc_id
    doc = c.guarded(folder, qa.index.document, doc_id)
    if doc is None:
        return
    spans = v.letter_spans(doc.text, st.session_state.get("cited", []), doc_id)
    if spans:
        st.caption(f"{len(spans)} sentence(s) cited in your last answer are marked.")
    m = doc.meta
    heading = f"{v.where(m.title, m.date, None)} · {m.local_authority or 'council unknown'} · {doc_id}"
    st.html(v.card(heading, v.highlight(doc.text, spans)))


main()
