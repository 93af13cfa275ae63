"""The Check page: a pasted claim or article, an uploaded article, or an indexed press article, checked
against the letters claim by claim.

Results are cached in st.session_state per hash of the text checked, so reruns (opening an expander,
downloading a report) never check again while the index holds the same letters.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

import app_views as v
from app_pages import common as c
from ingest.errors import ReadError
from qa import report

SOURCES = ("Paste text", "Upload an article", "Indexed press article")
SECONDS_PER_CLAIM = 3  # what a claim takes to check, for the spinner's estimate
CACHED_CHECKS = 20  # checks kept per session
NO_CLAIM = "No check-worthy claim was found"


@dataclass(frozen=True)
class Job:
    """A check asked for: what to run, under which cache key, and how to name its report."""

    key: str
    title: str  # the article's title, or "" for pasted text
    claims: int  # how many claims it holds, for the spinner
    work: Callable[[], list]
    hint: str  # shown when no claim is found


def digest(*parts) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def main() -> None:
    folder = c.folder()
    qa = c.open_qa(folder)
    source = st.radio("What to check", SOURCES, key="check_source", horizontal=True)
    if source == SOURCES[0]:
        job = pasted(qa)
    elif source == SOURCES[1]:
        job = uploaded(qa)
    else:
        job = indexed(folder, qa)
    if job is not None:
        run(folder, qa, source, job)
    result = st.session_state.get("check_result")
    if result is not None and result["source"] == source:  # each way in shows its own last check
        show_result(result)


# --- the three ways in -------------------------------------------------------------------------------


def pasted(qa) -> Job | None:
    from qa.check import check_text
    from qa.claims import find_claims

    text = st.text_area("A claim or an article", key="check_text", height=200)
    single = st.checkbox("Treat the whole text as one claim", key="single_claim")
    if not st.button("Check", key="check"):
        return None
    if not text.strip():
        st.warning("Paste a claim or an article first.")
        return None
    hint = (f"{NO_CLAIM}; tick “Treat the whole text as one claim” to check it as it stands."
            if not single else NO_CLAIM + ".")
    return Job(digest("text", single, text), "", 1 if single else len(find_claims(text)),
               lambda: check_text(qa, text, single_claim=single), hint)


def uploaded(qa) -> Job | None:
    from qa.check import check_text
    from qa.claims import find_claims

    file = st.file_uploader("An article (PDF, Word, HTML, Markdown or text)", type=list(v.UPLOAD_TYPES),
                            key="check_file")
    if not st.button("Check", key="check", disabled=file is None) or file is None:
        return None
    text = read_upload(file.name, file.getvalue())
    if text is None:
        return None
    title = Path(v.sanitize_filename(file.name)).stem
    return Job(digest("text", False, text), title, len(find_claims(text)), lambda: check_text(qa, text),
               f"{NO_CLAIM} in {title}.")


def read_upload(name: str, data: bytes) -> str | None:
    """The cleaned text of an uploaded article; an unreadable file is reported and gives None."""
    from ingest.clean import clean_text
    from ingest.readers import read_file

    with tempfile.TemporaryDirectory() as folder:
        path = v.upload_path(folder, name)  # keeps the name (for messages) but never leaves the folder
        path.write_bytes(data)
        try:
            raw = read_file(path)
        except ReadError as e:
            st.error(v.md_escape(str(e)))
            return None
    text = clean_text(raw.text, raw.format)
    if not text.strip():
        st.error(v.md_escape(f"{path.name}: no text left once page furniture is removed"))
        return None
    return text


def indexed(folder: str, qa) -> Job | None:
    from qa.check import check_document
    from qa.claims import find_claims

    docs = c.guarded(folder, qa.index.documents) or []
    press = {d.doc_id: d for d in docs if d.meta.source_kind == "press"}
    if not press:
        st.info("No press article is indexed; add one on the **Add letters** page, or paste or upload it here.")
        return None
    titles = [d.meta.title or d.doc_id for d in press.values()]
    labels = {i: t if titles.count(t) == 1 else f"{t} ({i})" for i, t in zip(press, titles)}
    if st.session_state.get("check_doc") not in press:
        st.session_state.pop("check_doc", None)
    doc_id = st.selectbox("Press article", list(press), key="check_doc", format_func=lambda i: labels[i])
    assert doc_id is not None  # a selectbox with options and a default choice always has a value
    doc = press[doc_id]
    m = doc.meta
    st.caption(v.md_escape(" · ".join(x for x in (m.date, m.local_authority, doc_id) if x)))
    if not st.button("Check", key="check"):
        return None
    return Job(digest("doc", doc_id, doc.text), m.title or doc_id, len(find_claims(doc.text)),
               lambda: check_document(qa, doc), f"{NO_CLAIM} in this article.")


# --- running and showing -----------------------------------------------------------------------------


def run(folder: str, qa, source: str, job: Job) -> None:
    """Check, unless this very text was checked in this session against the same letters (an index that
    gained or lost letters has another chunk count); the result becomes the one shown."""
    cache = st.session_state.setdefault("check_cache", {})
    key = digest(job.key, c.guarded(folder, qa.index.chunk_count))
    verdicts = cache.get(key)
    if verdicts is None:
        n = max(job.claims, 1)
        what = f"{job.claims} claims" if job.claims != 1 else "1 claim"
        with st.spinner(f"Checking {what} against the letters (about {n * SECONDS_PER_CLAIM} s)…"):
            verdicts = c.guarded(folder, job.work)
        if verdicts is None:  # an index error, already shown
            return
        cache[key] = verdicts
        while len(cache) > CACHED_CHECKS:
            cache.pop(next(iter(cache)))
    st.session_state.check_result = {"source": source, "title": job.title, "verdicts": verdicts, "hint": job.hint}


def show_result(result: dict) -> None:
    title, verdicts = result["title"], result["verdicts"]
    st.divider()
    if title:
        st.subheader(v.md_escape(title))
    if not verdicts:
        st.info(result["hint"])
        return
    st.markdown(f"**{v.summary_line(verdicts)}**")  # counts and fixed words only
    st.dataframe(report.rows(verdicts), hide_index=True)
    name = v.report_name(title)
    md, csv = st.columns(2)
    md.download_button("Download report (Markdown)", report.to_markdown(verdicts, title or "Claims checked"),
                       file_name=f"{name}.md", mime="text/markdown", key="check_md", on_click="ignore")
    csv.download_button("Download report (CSV)", report.to_csv(verdicts), file_name=f"{name}.csv",
                        mime="text/csv", key="check_csv", on_click="ignore")
    for n, verdict in enumerate(verdicts, 1):
        with st.expander(v.claim_label(n, verdict), expanded=verdict.verdict == "contradicted"):
            show_verdict(n, verdict)


def show_verdict(n: int, verdict) -> None:
    st.html(v.verdict_html(verdict))
    if verdict.warning:
        st.warning(v.md_escape(verdict.warning))
    evidence = v.unique_evidence(verdict.evidence)
    if evidence:
        st.markdown("**Evidence**")
    for i, e in enumerate(evidence):
        st.html(v.evidence_card(e, first=i == 0))
        c.letter_button(e.doc_id, f"open-c-{n}-{i}")
    if verdict.quotes:
        st.markdown("**Quotations**")
    for q in verdict.quotes:
        st.html(v.quotation_html(q))


main()
