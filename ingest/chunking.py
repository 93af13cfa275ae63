"""Split a cleaned document into token-bounded chunks on paragraph and heading boundaries."""

from __future__ import annotations

from collections.abc import Callable

from ingest.clean import is_heading, paragraphs
from ingest.errors import IngestError
from ingest.models import Chunk, Document
from ingest.sentences import split_sentences
from ingest.tokens import get_encoding
from ofsted_qa.settings import Settings

Span = tuple[int, int]


def chunk_document(doc: Document, settings: Settings, fits: Callable[[str], bool] | None = None) -> list[Chunk]:
    """Chunks of `doc.text`, each at most `settings.chunk_max_tokens` tokens and within `fits`.

    A heading always starts a new chunk and names the section of the chunks under it;
    paragraphs are packed together while they fit; a paragraph too long for one chunk
    is split between sentences (a sentence too long alone, between words).
    `fits` is the embedder's own check that it will not truncate a text.
    """
    try:
        spans = _pack(doc.text, settings)
        if fits is not None:
            spans = [piece for span in spans for piece in _refit(doc.text, span, fits)]
    except Exception as e:  # name the document whatever went wrong
        raise IngestError(f"{doc.doc_id}: could not be chunked: {e}") from e
    sections = _sections(doc.text)
    encoding = get_encoding(settings.tokenizer)
    chunks = []
    for ordinal, (start, end) in enumerate(spans):
        text = doc.text[start:end]
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}:{ordinal:04d}",
                doc_id=doc.doc_id,
                ordinal=ordinal,
                text=text,
                start=start,
                end=end,
                section=_section_at(sections, start),
                n_tokens=len(encoding.encode(text, disallowed_special=())),
            )
        )
    return chunks


def _pack(text: str, settings: Settings) -> list[Span]:
    """Spans of chunks: paragraphs packed up to the token bound, headings starting anew."""
    encoding = get_encoding(settings.tokenizer)
    limit = settings.chunk_max_tokens

    def count(a: int, b: int) -> int:
        return len(encoding.encode(text[a:b], disallowed_special=()))

    spans: list[Span] = []
    current: Span | None = None  # the chunk being built
    current_tokens = 0
    for start, end in paragraphs(text):
        n = count(start, end)
        only_headings = current is not None and _only_headings(text, current)
        if n > limit:
            if current and not only_headings:
                spans.append(current)
                current = None
            pieces = _split_long(text, start, end, limit, count, settings.chunk_overlap_sentences)
            if current and count(current[0], pieces[0][1]) <= limit:
                pieces[0] = (current[0], pieces[0][1])  # keep the heading with its text
            elif current:
                spans.append(current)
            spans.extend(pieces[:-1])
            current, current_tokens = pieces[-1], count(*pieces[-1])
            continue
        if current is not None:
            joined = count(current[0], end)
            small = current_tokens < settings.chunk_min_tokens or n < settings.chunk_min_tokens
            if joined <= limit and (only_headings or (small and not is_heading(text[start:end]))):
                current, current_tokens = (current[0], end), joined
                continue
            spans.append(current)
        current, current_tokens = (start, end), n
    if current:
        spans.append(current)
    return spans


def _only_headings(text: str, span: Span) -> bool:
    return all(is_heading(text[a:b]) for a, b in paragraphs(text[span[0]:span[1]]))


def _split_long(text: str, start: int, end: int, limit: int, count, overlap: int) -> list[Span]:
    """Split one long paragraph between sentences into spans under `limit` tokens."""
    sentences = [(start + a, start + b) for a, b in split_sentences(text[start:end])]
    pieces: list[Span] = []
    group: list[Span] = []
    for sentence in sentences:
        if count(*sentence) > limit:
            if group:
                pieces.append((group[0][0], group[-1][1]))
                group = []
            pieces.extend(_split_words(text, sentence, limit, count))
            continue
        if group and count(group[0][0], sentence[1]) > limit:
            pieces.append((group[0][0], group[-1][1]))
            group = group[-overlap:] if overlap else []
            while group and count(group[0][0], sentence[1]) > limit:
                group = group[1:]
        group.append(sentence)
    if group:
        pieces.append((group[0][0], group[-1][1]))
    return pieces


def _split_words(text: str, span: Span, limit: int, count) -> list[Span]:
    """Split a span between words (or anywhere, for one giant word) into pieces under `limit`."""
    start, end = span
    pieces = []
    while start < end:
        if count(start, end) <= limit:
            pieces.append((start, end))
            break
        lo, hi = start + 1, end  # largest cut with count(start, cut) <= limit
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(start, mid) <= limit:
                lo = mid
            else:
                hi = mid - 1
        cut = text.rfind(" ", start + 1, lo + 1)
        cut = cut if cut > start else lo
        piece = (start, cut)
        pieces.append(_trim(text, piece))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    return [p for p in pieces if p[1] > p[0]]


def _refit(text: str, span: Span, fits: Callable[[str], bool]) -> list[Span]:
    """Split `span` until every piece passes `fits` (halving between sentences or words)."""
    if fits(text[span[0]:span[1]]):
        return [span]
    start, end = span
    cuts = [b for _, b in split_sentences(text[start:end])][:-1]
    if not cuts:
        middle = start + (end - start) // 2
        space = text.rfind(" ", start + 1, middle + 1)
        cut = space if space > start else middle
    else:
        middle = (end - start) // 2
        cut = start + min(cuts, key=lambda c: abs(c - middle))
    if cut <= start or cut >= end:
        cut = start + max(1, (end - start) // 2)
    left, right = _trim(text, (start, cut)), _trim(text, (cut, end))
    return [p for half in (left, right) if half[1] > half[0] for p in _refit(text, half, fits)]


def _trim(text: str, span: Span) -> Span:
    a, b = span
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _sections(text: str) -> list[tuple[int, str]]:
    return [(a, text[a:b]) for a, b in paragraphs(text) if is_heading(text[a:b])]


def _section_at(sections: list[tuple[int, str]], start: int) -> str | None:
    """The heading in force at `start` (a chunk opening with a heading belongs to it)."""
    current = None
    for offset, heading in sections:
        if offset <= start:
            current = heading
        else:
            break
    return current
