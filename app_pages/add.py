"""Add letters: uploaded files saved safely in the index folder's uploads and ingested at once; with no
index yet, the first upload makes one."""

from __future__ import annotations

import streamlit as st

import app_views as v
from app_pages import common as c
from index.index import Index
from ofsted_qa.settings import Settings, uploads_folder


def main() -> None:
    folder = c.folder()
    qa = c.qa_if_any(folder)
    st.write("Add letters (PDF, Word, HTML, Markdown or text). They are kept in the index folder's "
             "`uploads` and can be searched as soon as they are ingested.")
    files = st.file_uploader("Letters", type=list(v.UPLOAD_TYPES), accept_multiple_files=True, key="uploads")
    if st.button("Add to the index", key="add", disabled=not files):
        report = add_letters(folder, qa, files)
        if report is not None:
            st.session_state.report = report
            if qa is None:  # a new index: open it on the next run
                c.open_qa.clear()
                st.rerun()
    report = st.session_state.get("report")
    if report is not None:
        (st.success if not report.failed else st.warning)(report.summary())
        st.dataframe(v.report_rows(report), hide_index=True)


def add_letters(folder: str, qa, files):
    from ingest.pipeline import ingest

    uploads = uploads_folder(folder)
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
        report = c.guarded(folder, run)
    if report is None:
        bar.empty()
    else:
        bar.progress(1.0, text="Done")
    c.forget_letters()
    return report


main()
