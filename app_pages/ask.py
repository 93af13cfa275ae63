"""Ask: a conversation with the letters. Each question's answer is kept in st.session_state.conversation and
shown again on every rerun, with its citations, its passages and its downloads."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import app_exports as x
import app_views as v
from app_pages import common as c
from ofsted_qa.settings import Settings


@st.cache_resource
def open_writer(folder: str):
    """The generative answerer the settings (environment) name, or None when no model is set."""
    settings = Settings()
    if not settings.llm_model:
        return None
    return c.open_qa(folder).make_answerer(replace(settings, answerer="generative"))


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


def clear() -> None:
    st.session_state.conversation = []
    st.session_state.pop("cited", None)


def main() -> None:
    folder = c.folder()
    qa = c.open_qa(folder)
    filters = c.sidebar_filters(folder)
    writer = open_writer(folder)
    answers = st.session_state.setdefault("conversation", [])
    bar = st.container(horizontal=True, vertical_alignment="center")
    written = writer is not None and bar.toggle(
        "Written answer", key="written", help="A language model writes a short answer from the passages; "
        "every sentence is checked against its citation before it is shown.")
    clear_slot = bar.empty()  # drawn last, once this run's answer is in the conversation
    if not answers:
        st.caption("Ask a question below. Every answer is made of the letters' own sentences, each cited to its "
                   "letter; earlier questions stay on the page until the conversation is cleared.")
    for turn, answer in enumerate(answers):
        with st.chat_message("user"):
            st.markdown(v.md_escape(answer.question))
        with st.chat_message("assistant"):
            show_answer(turn, answer)
    question = st.chat_input("Ask the letters: what did inspectors say about …?", key="question")
    if question and question.strip():
        ask(folder, qa, writer if written else None, question.strip(), filters, answers)
    clear_slot.button("Clear conversation", key="clear", on_click=clear, disabled=not answers)


def ask(folder: str, qa, writer, question: str, filters, answers: list) -> None:
    """The question and its answer as the conversation's next turn."""
    with st.chat_message("user"):
        st.markdown(v.md_escape(question))
    with st.chat_message("assistant"):
        with st.spinner("Reading the letters…"):
            if writer is not None:
                answer = c.guarded(folder, written_answer, qa, writer, question, filters)
            else:
                answer = c.guarded(folder, qa.ask, question, filters)
        if answer is not None:
            answers.append(answer)
            st.session_state.cited = v.cited_spans(answer)
            show_answer(len(answers) - 1, answer)


def show_answer(turn: int, answer) -> None:
    """One answer with its scope, caveats, figures, citations, evidence and downloads; keys carry `turn`."""
    if answer.scope:
        st.caption("Understood scope: " + v.md_escape(answer.scope))
    for note in answer.loosened:
        st.caption("Note: " + v.md_escape(note))
    if answer.uncertain:
        st.info("These passages may not answer the question directly"
                + (f" ({v.md_escape(answer.reason)})" if answer.reason else "") + ": read them before relying on them.")
    if answer.abstained:
        st.warning(x.ABSTAINED)
        if answer.reason:
            st.caption("Reason: " + v.md_escape(answer.reason))
        with st.expander("Closest passages"):
            for hit in answer.hits:
                st.html(v.hit_card(hit))
        downloads(turn, answer)
        return
    st.html(v.answer_html(answer.text))
    if answer.answerer == "generative":
        st.caption("Written by a language model from the passages; every sentence was checked against its "
                   "citation." + (f" {v.md_escape(answer.reason)}." if answer.reason else ""))
    elif answer.generated is not None:
        st.caption(v.md_escape(answer.reason) + ".")
    if answer.aggregate is not None:
        st.markdown("**" + v.md_escape(x.aggregate_line(answer.aggregate)) + "**")
        st.dataframe(x.aggregate_rows(answer.aggregate), hide_index=True, key=f"aggregate-{turn}")
    st.markdown("**Citations**")
    st.html(v.citations_html(answer.citations))
    cited = v.cited_spans(answer)
    with st.expander("Evidence", expanded=answer.aggregate is None):  # many documents: their table says it
        for card in v.evidence_cards(answer):
            numbers = ", ".join(str(n) for n in card.numbers)
            st.html(v.card(f"[{numbers}] {v.where(card.title, card.date, card.section)} · {card.doc_id}", card.html))
            c.letter_button(card.doc_id, f"open-a-{turn}-{card.numbers[0]}", cited)
    downloads(turn, answer)


def downloads(turn: int, answer) -> None:
    name = v.report_name(answer.question, "answer")
    row = st.container(horizontal=True)
    row.download_button("Download answer (Markdown)", x.answer_markdown(answer), file_name=f"{name}.md",
                        mime="text/markdown", key=f"ask-md-{turn}", on_click="ignore")
    row.download_button("Download citations (CSV)", x.answer_csv(answer), file_name=f"{name}.csv", mime="text/csv",
                        key=f"ask-csv-{turn}", on_click="ignore")
    row.download_button("Download answer (JSON)", x.answer_json_text(answer), file_name=f"{name}.json",
                        mime="application/json", key=f"ask-json-{turn}", on_click="ignore")


main()
