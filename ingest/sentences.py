"""Sentence boundaries with character offsets, tuned to the prose of inspection letters."""

from __future__ import annotations

import re

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "e.g", "i.e", "eg", "ie", "etc", "vs", "cf",
    "approx", "inc", "ltd", "co", "dept", "fig", "para", "paras", "ref", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
# A candidate end: terminal punctuation, optional closing quotes/brackets, then space(s).
_END = re.compile(r"[.!?]+[\"'’”)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'‘“(\[]*(?:[A-Z0-9•]|$)")
_NUMBERED_ITEM = re.compile(r"(?:^|\s)\d{1,3}\.$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, whitespace trimmed.

    'It is. So it goes.' -> [(0, 6), (7, 18)]
    Paragraph breaks (blank lines) always end a sentence.
    """
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        _split_block(text, block.start(), block.end(), spans)
    return spans


def _split_block(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    block = text[start:end]
    cursor = 0
    for m in _END.finditer(block):
        stop = m.end()
        if not _NEXT_START.match(block, stop):
            continue
        word = re.search(r"([\w.]+)[.!?]+[\"'’”)\]]*$", block[cursor:stop])
        if word and m.group().startswith(".") and not m.group().startswith(".."):
            token = word.group(1).lower().rstrip(".")
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        if _NUMBERED_ITEM.search(block[cursor:stop]) and block[cursor:stop].strip()[:-1].isdigit():
            continue  # "12." opening a numbered paragraph
        _add(spans, start, block, cursor, stop)
        cursor = stop
    _add(spans, start, block, cursor, len(block))


def _add(spans: list[tuple[int, int]], offset: int, block: str, a: int, b: int) -> None:
    piece = block[a:b]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append((offset + a + lead, offset + a + lead + len(stripped)))
