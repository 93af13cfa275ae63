"""PDF text with pdfium, laid out the way the cleaner reads letters.

pdfium's page text drops what Word writes as space-only text objects (empty paragraphs, the
spaces after a paragraph's last word), splits footnote marks and grade-table cells onto lines of
their own, and marks line-end hyphens with U+FFFE. The page's objects put those back: blank lines
and paragraph-end spaces where the PDF draws them, rows joined, spaces between list numbers and
words, hyphens written out.
"""

from __future__ import annotations

import ctypes
import re
import threading
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from ingest.errors import ReadError

_PDFIUM = threading.Lock()  # pdfium is not thread-safe, and app sessions may ingest at once


def read_pdf_pages(path: Path, data: bytes) -> list[str]:
    """The text of each page of the PDF in `data`; `ReadError` naming `path` when it cannot be read."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            raise ReadError(path, _pdf_open_failure(e)) from e
        try:
            pages = [_pdf_page_text(document, i) for i in range(len(document))]
        except pdfium.PdfiumError as e:
            raise ReadError(path, f"not a readable PDF: {e}") from e
        finally:
            document.close()
    return pages


def _pdf_open_failure(error) -> str:
    """Why pdfium could not open a PDF, in words for people."""
    import pypdfium2.raw as pdfium_c

    if error.err_code == pdfium_c.FPDF_ERR_PASSWORD:
        return "PDF is password-protected"
    if error.err_code == pdfium_c.FPDF_ERR_SECURITY:
        return "PDF is password-protected (unsupported encryption)"
    return f"not a readable PDF: {error}"


@dataclass
class _PdfLine:
    """A line of a PDF page: a span of pdfium's page text, where it sits, and the spaces found around it."""

    start: int
    end: int
    x0: float
    x1: float
    y: float  # baseline
    size: float
    text: str = ""
    spaces: int = 0  # space-only text objects after its end
    cuts: list[int] = field(default_factory=list)  # offsets where such an object parts two characters
    gaps: list[float] = field(default_factory=list)  # baselines of such objects after it, below or above it
    low: float = 0.0
    high: float = 0.0


def _pdf_page_text(document, i: int) -> str:
    """One page's text, its pdfium page and text page closed before returning."""
    page = document[i]
    try:
        textpage = page.get_textpage()
        try:
            return _pdf_layout(page, textpage)
        finally:
            textpage.close()
    finally:
        page.close()


def _pdf_layout(page, textpage) -> str:
    """A page's text line by line, with blank lines and paragraph-end spaces where the PDF has them.

    pdfium leaves out the space-only text objects that word processors write for empty paragraphs
    and after a paragraph's last word; cleaning reads these as blank lines and as lines ending in two
    spaces (`layout.hard_line_ends`), so they are put back from the page's objects.
    """
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars():  # offsets would not match the characters' positions
        return _pdfium_tidy(text)
    lines = _pdf_lines(textpage, text)
    _pdf_place_spaces(page, textpage, text, lines)
    for line in lines:
        bounds = [line.start, *sorted(set(line.cuts)), line.end]
        line.text = " ".join(text[a:b] for a, b in pairwise(bounds))
    return _pdfium_tidy("\n".join(_pdf_with_blanks(_pdf_rows(lines))))


def _pdfium_tidy(text: str) -> str:
    """pdfium's text with its marks made plain: CRLF line ends, NULs, line-end hyphens as \\x02 or \\ufffe."""
    return text.replace("\r", "").replace("\x00", "").replace("\x02", "-").replace("\ufffe", "-")


def _pdf_lines(textpage, text: str) -> list[_PdfLine]:
    """pdfium's lines of a page, split after a line-end hyphen too (pdfium runs the hyphenated word on)."""
    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    lines = []
    start = 0
    for m in re.finditer(r"\r\n|\n|(?<=[\x02\ufffe])|$", text):
        span = text[start:m.start()]
        first = start + len(span) - len(span.lstrip())
        last = start + len(span.rstrip()) - 1
        if first <= last:
            pdfium_c.FPDFText_GetCharOrigin(textpage, first, x, y)
            pdfium_c.FPDFText_GetCharBox(textpage, last, left, right, bottom, top)
            size = max(pdfium_c.FPDFText_GetFontSize(textpage, i) for i in (first, last))
            lines.append(_PdfLine(start, m.start(), x.value, right.value, y.value, size))
        if m.start() == len(text):
            break
        start = m.end()
    return lines


def _pdf_object_key(textpage, i: int) -> int | None:
    """The address of the text object that drew character `i`, comparable with page objects'."""
    import pypdfium2.raw as pdfium_c

    obj = pdfium_c.FPDFText_GetTextObject(textpage, i)
    return ctypes.addressof(obj.contents) if obj else None


def _pdf_place_spaces(page, textpage, text: str, lines: list[_PdfLine]) -> None:
    """Note on `lines` each space-only text object of the page, by where the content stream draws it.

    After a line's last object and on its baseline, it is a trailing space; elsewhere after it, a
    blank line; inside the line near its start, the gap after a list number ('10.The').
    """
    import pypdfium2.raw as pdfium_c

    starts, ends = {}, {}
    for line in lines:
        span = text[line.start:line.end]
        starts[_pdf_object_key(textpage, line.start + len(span) - len(span.lstrip()))] = line
        ends[_pdf_object_key(textpage, line.start + len(span.rstrip()) - 1)] = line
    starts.pop(None, None)
    ends.pop(None, None)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    current, inside = None, False
    for j in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, j)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        if left.value != right.value:  # drawn text; a space-only object has no width
            key = ctypes.addressof(obj.contents)
            if key in starts:
                current, inside = starts[key], True
            if key in ends:
                current, inside = ends[key], False
            continue
        if current is None:
            continue
        on_baseline = abs(bottom.value - current.y) <= 0.8 * current.size
        if inside:
            if on_baseline and left.value < current.x0 + 4 * current.size:
                cut = _pdf_label_cut(textpage, text, current, left.value)
                if cut is not None:
                    current.cuts.append(cut)
        elif on_baseline:
            current.spaces += 1
        else:
            current.gaps.append(bottom.value)


def _pdf_label_cut(textpage, text: str, line: _PdfLine, x: float) -> int | None:
    """The offset in `line` between two characters that a space object at `x` parts but pdfium ran together."""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    before = None
    for i in range(line.start, min(line.end, line.start + 8)):
        pdfium_c.FPDFText_GetCharBox(textpage, i, left, right, bottom, top)
        if left.value >= x - 0.5:
            parted = before is not None and before <= x + 0.5 and text[i - 1] != " " and text[i] != " "
            return i if parted else None
        before = right.value
    return None


def _pdf_rows(lines: list[_PdfLine]) -> list[_PdfLine]:
    """Lines that pdfium split at a change of baseline joined again: superscripts, cells of a table row.

    A line joins the row before it when its baseline lies within 0.8 of the font size of the row's
    baselines.
    """
    rows: list[_PdfLine] = []
    for line in lines:
        row = rows[-1] if rows else None
        limit = 0.8 * min(row.size, line.size) if row else 0.0
        if row and not row.gaps and row.low - limit <= line.y <= row.high + limit:
            touching = 0 <= line.x0 - row.x1 < 0.2 * max(row.size, line.size)
            row.text += ("" if touching or row.text.endswith(" ") else " ") + line.text.lstrip()
            row.x1, row.spaces, row.gaps = line.x1, line.spaces, line.gaps
            row.low, row.high = min(row.low, line.y), max(row.high, line.y)
        else:
            line.low = line.high = line.y
            rows.append(line)
    return rows


def _pdf_with_blanks(rows: list[_PdfLine]) -> list[str]:
    """The rows' text with their trailing spaces, and a blank line where a space object stood between rows."""
    out = []
    for row, after in zip(rows, rows[1:] + [None]):
        out.append(row.text + " " * row.spaces)
        if after is not None and any(abs(y - after.y) > 0.8 * after.size for y in row.gaps):
            out.append("")
    return out
