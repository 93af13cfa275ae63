"""Quote forensics: is a quotation verbatim in a letter, altered (with a word diff), or absent?"""

from __future__ import annotations

from index.index import Filters
from ingest.quotes import ELLIPSIS, fold, holds_quote
from ingest.sentences import split_sentences
from qa import checks

ALTERED_SHARE = 0.5  # a quotation keeping this share of a letter sentence's words, in order, was altered


def examine(qa, quote: str, exclude: tuple[str, ...] = (), within: tuple[str, ...] = ()) -> dict:
    """Where a quotation stands in the letters (official first): verbatim, altered or absent.

    `within` names the documents the quotation is attributed to (the letter an article reports on);
    when given, only they are searched. Gives {"quote", "status", "doc", "title", "sentence", "diff", "summary"}.
    """
    docs = [d for d in qa.index.documents() if d.duplicate_of is None and d.doc_id not in exclude
            and (not within or d.doc_id in within)]
    for doc in sorted(docs, key=lambda d: (d.meta.source_kind != "official", d.doc_id)):
        if holds_quote(quote, doc.text):
            return {"quote": quote, "status": "verbatim", "doc": doc.doc_id, "title": doc.meta.title,
                    "source_kind": doc.meta.source_kind, "sentence": _sentence_with(doc.text, quote),
                    "diff": [], "summary": ""}
    best: tuple = (0.0, None, "", "")
    if within:
        places = [(doc, doc.text) for doc in docs]
    else:
        _, hits = qa.search(quote, k=8, filters=Filters(exclude_doc_ids=exclude), councils_only=True)
        places = [(hit.doc, hit.chunk.text) for hit in hits]
    for doc, text in places:
        for a, b in split_sentences(text):
            sentence = text[a:b]
            share, window = checks.closest_window(quote, sentence)
            bonus = 0.001 if doc.meta.source_kind == "official" else 0.0
            if share + bonus > best[0]:
                best = (share + bonus, doc, sentence, window)
    share, doc, sentence, window = best
    if doc is not None and share >= ALTERED_SHARE:
        diff = checks.word_diff(quote, window)
        return {"quote": quote, "status": "altered", "doc": doc.doc_id, "title": doc.meta.title,
                "source_kind": doc.meta.source_kind, "sentence": sentence, "diff": diff, "summary": summarise(diff)}
    return {"quote": quote, "status": "absent", "doc": None, "title": None, "source_kind": None, "sentence": None,
            "diff": [], "summary": "no sentence of the letters is close"}


def summarise(diff: list[dict]) -> str:
    """A word diff in words: "changed 'the vast majority of'→'all'; added 'and contain no analysis'"."""
    parts = []
    for d in diff:
        if d["op"] == "changed":
            parts.append(f"changed '{d['letter']}'→'{d['quote']}'")
        elif d["op"] == "added":
            parts.append(f"added '{d['quote']}'")
        else:
            parts.append(f"dropped '{d['letter']}'")
    return "; ".join(parts)


def overall_status(quotes: list[dict]) -> str | None:
    """One status for a claim's quotations: the worst of them."""
    statuses = {q["status"] for q in quotes}
    for status in ("absent", "altered", "verbatim"):
        if status in statuses:
            return status
    return None


def _sentence_with(text: str, quote: str) -> str:
    first = fold(ELLIPSIS.split(quote)[0])
    for a, b in split_sentences(text):
        if first and first in fold(text[a:b]):
            return text[a:b]
    return ""
