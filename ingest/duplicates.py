"""Recognise the same letter arriving twice (a text copy and the official PDF, say)."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from ingest.models import Document

SHINGLE = 8  # words per shingle: long enough that only copied text shares them
SAME_LETTER = 0.8  # share of the shorter text's shingles found in the longer one
SIMILAR_LENGTH = 0.6  # a press piece quoting part of a letter is not the letter


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """Hashes of every run of `size` normalised words: punctuation, case and quote style ignored."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))
    return {hash(tuple(words[i:i + size])) for i in range(max(0, len(words) - size + 1))}


def same_letter(a: AbstractSet[int], b: AbstractSet[int]) -> bool:
    """True when two shingle sets are one text: most of the shorter lies in the longer, at similar length."""
    if not a or not b:
        return False
    small, large = sorted((a, b), key=len)
    return len(small) / len(large) >= SIMILAR_LENGTH and len(small & large) / len(small) >= SAME_LETTER


def preference(doc: Document) -> tuple:
    """Sort key choosing which copy of a letter stands for it: official, then PDF, then id."""
    return (doc.meta.source_kind != "official", not doc.path.lower().endswith(".pdf"), doc.doc_id)


def resolve(docs: list[Document]) -> dict[str, str | None]:
    """doc_id -> the doc_id it duplicates (None for the copy that stands for its letter)."""
    prints = {d.doc_id: shingles(d.text) for d in docs}
    ordered = sorted(docs, key=preference)
    canonical: dict[str, str | None] = {}
    for i, doc in enumerate(ordered):
        canonical[doc.doc_id] = None
        for earlier in ordered[:i]:
            if _different_councils(doc, earlier):
                continue
            if canonical[earlier.doc_id] is None and same_letter(prints[doc.doc_id], prints[earlier.doc_id]):
                canonical[doc.doc_id] = earlier.doc_id
                break
    return canonical


def _different_councils(a: Document, b: Document) -> bool:
    la, lb = a.meta.local_authority, b.meta.local_authority
    return bool(la and lb and la != lb)
