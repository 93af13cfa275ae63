"""National: every council's latest grades (or every graded inspection) in a table to sort, filter and
download, and the grades given each year."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import app_charts as charts
import app_history as h
from app_pages import common as c
from qa.history import AREA_LABELS, Event, graded_events, grades_by_year, national_latest


def main() -> None:
    folder = c.folder()
    qa = c.open_qa(folder)
    docs = c.guarded(folder, qa.index.documents) or []
    if not graded_events(docs):
        st.info("No graded inspection report (ILACS or SIF) is indexed yet.")
        return
    every = st.toggle("Every graded inspection", key="nat_every",
                      help="Off: each council's latest graded inspection. On: every graded inspection indexed.")
    search, grade = st.columns(2)
    name = search.text_input("Council", key="nat_council", placeholder="Part of a council's name")
    chosen = grade.multiselect("Overall effectiveness", h.GRADES, key="nat_grades")
    events: Sequence[Event]
    if every:
        events = sorted(graded_events(docs), key=lambda e: (e.council, e.ended))
    else:
        events = national_latest(docs)
    rows = h.grade_rows(events, name, chosen)
    what = "graded inspections" if every else "councils' latest graded inspections"
    st.caption(f"{len(rows)} of {len(events)} {what}. Click a column's heading to sort by it.")
    st.dataframe(rows, hide_index=True, key="national_table")
    st.download_button("Download table (CSV)", h.rows_csv(rows), file_name="grades.csv", mime="text/csv",
                       key="national_csv", on_click="ignore", disabled=not rows)

    st.subheader("Grades by year")
    area = st.selectbox("Area", list(AREA_LABELS), key="nat_area", format_func=lambda a: AREA_LABELS[a])
    assert area is not None  # a selectbox with options and a default choice always has a value
    counts = grades_by_year(docs, area)
    if counts:
        st.altair_chart(charts.grades_by_year(h.year_rows(counts), AREA_LABELS[area]), width="stretch")
    else:
        st.info(f"No report grades {AREA_LABELS[area].lower()}.")


main()
