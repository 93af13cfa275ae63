"""Council: one council's visits and inspections on a timeline, its grades, and each letter's headline
findings and areas for improvement, with what later letters said of each (?council=name picks it).

What later letters said runs the answer models over each later letter (about 0.1 s a letter per area), so
it is worked out only when asked for, and kept per index folder and letter.
"""

from __future__ import annotations

import streamlit as st

import app_charts as charts
import app_history as h
import app_views as v
from app_pages import common as c
from qa.follow_up import FOLLOWED_IN, follow_up
from qa.history import council_events, headline, improvements

LIST = "margin:.2rem 0 .2rem 1.2rem;padding:0;line-height:1.5"


@st.cache_data(show_spinner=False, max_entries=500)
def follow_ups(folder: str, doc_id: str, stamp: int) -> tuple:
    """(area for improvement, what each later letter said of it) for one letter; `stamp` (the index's chunk
    count) makes a grown index work it out again."""
    qa = c.open_qa(folder)
    with c.index_lock(folder):
        docs = {d.doc_id: d for d in qa.index.documents()}
        doc = docs[doc_id]
        events = council_events(list(docs.values()), doc.meta.local_authority or "")
        ids = [e.doc_id for e in events]
        later = [docs[i] for i in ids[ids.index(doc_id) + 1:]]
        return tuple((item, follow_up(qa, item, later)) for item in improvements(doc))


def main() -> None:
    folder = c.folder()
    qa = c.open_qa(folder)
    names = c.councils(folder)
    if not names:
        st.info("No letter in the index names its council.")
        return
    council = st.selectbox("Council", names, key="council", bind="query-params")
    docs = c.guarded(folder, qa.index.documents) or []
    events = council_events(docs, council)
    if not events:
        st.info(f"No official letter or report about {v.md_escape(council)} is indexed.")
        return
    years = sorted({e.ended[:4] for e in events if e.ended})
    span = f", {years[0]} to {years[-1]}" if len(years) > 1 else (f", {years[0]}" if years else "")
    st.caption(f"{len(events)} official letters and reports{span}. Hover over a mark for its letter and grades.")
    chart = charts.timeline(h.timeline_rows(events))
    st.altair_chart(chart, width="stretch", height=chart.height)

    graded = [e for e in reversed(events) if e.judgements]
    if graded:
        st.subheader("Grades")
        st.dataframe([{k: val for k, val in h.grade_row(e).items() if k != "council"} for e in graded],
                     hide_index=True, key="council_grades")

    st.subheader("Letters, newest first")
    by_id = {d.doc_id: d for d in docs}
    stamp = c.guarded(folder, qa.index.chunk_count) or 0
    for n in reversed(range(len(events))):
        event = events[n]
        later = [e for e in events[n + 1:] if e.doc_type in FOLLOWED_IN]
        with st.expander(v.md_escape(f"{event.title} · {h.dated(event) or 'undated'}"), expanded=n == len(events) - 1):
            letter(folder, by_id[event.doc_id], event, later, stamp)


def letter(folder: str, doc, event, later: list, stamp: int) -> None:
    when = (f"Inspection ended {event.date}" if event.date_basis == "inspection_end"
            else f"Dated {event.date}" if event.date else "Undated")
    visit = h.visit_span(event)
    st.caption(v.md_escape(" · ".join(x for x in (h.kind_label(event.doc_type), when,
                                                       f"visit {visit}" if visit else "", event.doc_id) if x)))
    if event.judgements:
        st.html(v.card("Grades", "".join(f"<div>{graded(row)}</div>" for row in event.judgements)))
    if event.outcome is not None:
        st.html(v.card("Outcome", graded(event.outcome)))
    found = headline(doc)
    if found:
        st.html(v.card("Headline findings", "".join(f"<p>{v.escape(p.text)}</p>" for p in found)))
    items = improvements(doc)
    if items:
        listed = "".join(f"<li>{v.escape(p.text)}</li>" for p in items)
        st.html(v.card("Areas for improvement", f'<ol style="{LIST}">{listed}</ol>'))
    c.letter_button(event.doc_id, f"open-h-{event.doc_id}")
    if not items:
        return
    if not later:
        st.caption("No later letter to compare with.")
        return
    if not st.toggle("What later letters said", key=f"fu-{event.doc_id}",
                     help="Each area for improvement asked of each later visit or inspection of this council."):
        return
    with st.spinner(f"Reading {len(later)} later letter(s) for {len(items)} area(s) for improvement…"):
        said = c.guarded(folder, follow_ups, folder, event.doc_id, stamp)
    for n, (item, answers) in enumerate(said or (), 1):
        st.html(v.card(f"{n}. Area for improvement", v.escape(item.text) + "".join(map(said_html, answers))))


def graded(row) -> str:
    """A grade-table row (or an area SEND outcome) as written, after its grade in that grade's colour."""
    return f"{v.badge(row.grade, h.GRADE_COLOURS.get(row.grade, h.OTHER_GRADE))} {v.escape(row.text)}"


def said_html(f) -> str:
    """A later letter's word on an area for improvement: status, letter, and its sentence verbatim."""
    head = (f'<div style="margin-top:.45rem">{v.badge(f.status, h.STATUS_COLOURS[f.status])} '
            f'<span style="{v.HEAD}">{v.escape(v.where(f.title, f.date, None))}</span></div>')
    quote = f"<div>“{v.escape(f.passage.text)}”</div>" if f.passage is not None else ""
    return head + quote


main()
