"""Turn a file on disk into raw text: PDF, plain text, Markdown, HTML and Word.

Pages of a PDF are joined with a form feed (``\\f``) so that cleaning can find
repeated page headers and footers.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ReadError
from ingest.html import html_to_text
from ingest.pdf import read_pdf_pages

SUPPORTED = (".pdf", ".txt", ".md", ".html", ".htm", ".docx")
DEFAULT_MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class RawText:
    """A file's text before cleaning, with what the reader learned on the way."""

    text: str
    format: str  # "pdf" | "text" | "html" | "docx"
    pages: int
    encoding: str | None = None


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawText:
    """Read any supported file; raises `ReadError` naming the file and the reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(path, f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ReadError(path, f"cannot open: {e.strerror or e}") from e
    if size == 0:
        raise ReadError(path, "empty file")
    if size > max_bytes:
        raise ReadError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    data = path.read_bytes()
    if suffix == ".pdf":
        pages = read_pdf_pages(path, data)
        raw = RawText("\n\f\n".join(pages), "pdf", len(pages))
    elif suffix == ".docx":
        raw = _read_docx(path, data)
    elif suffix in (".html", ".htm"):
        text, encoding = decode_text(data)
        try:
            raw = RawText(html_to_text(text), "html", 1, encoding)
        except ImportError as e:  # pragma: no cover - listed in requirements.txt
            raise ReadError(path, str(e)) from e
    else:
        text, encoding = decode_text(data)
        raw = RawText(text, "text", 1, encoding)
    if not raw.text.strip():
        hint = " (a scanned PDF with no text layer?)" if raw.format == "pdf" else ""
        raise ReadError(path, f"no text found{hint}")
    return raw


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 / UTF-16 (by BOM) / Windows-1252, returning text and encoding.

    b'caf\\xe9' -> ('café', 'cp1252')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        encoding = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _read_docx(path: Path, data: bytes) -> RawText:
    import zipfile

    try:
        import docx
    except ImportError as e:  # pragma: no cover - listed in requirements.txt
        raise ReadError(path, "reading .docx needs python-docx: pip install python-docx") from e
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(path, f"not a readable Word document: {e}") from e
    except Exception as e:
        raise ReadError(path, f"not a readable Word document: {type(e).__name__}: {e}") from e
    lines = _docx_blocks(document)
    return RawText("\n\n".join(lines), "docx", 1)


def _docx_blocks(container) -> list[str]:
    """Paragraphs and table rows of a Word document (or a table cell), in document order.

    A row is one line, its cells joined by a space, as a grade table reads in the PDF
    ('Overall effectiveness Inadequate'); a row of one cell, or with a table inside, lays out the
    page instead, and its cells are read as blocks.
    """
    from docx.table import Table

    lines = []
    for block in container.iter_inner_content():
        if not isinstance(block, Table):
            lines.append(_docx_paragraph(block))
            continue
        # python-docx repeats a merged cell for each grid column and row it spans; its <w:tc>
        # element, held here so lxml keeps one proxy for it, says whether it was read already.
        seen = set()
        for row in block.rows:
            cells = []
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    cells.append(cell)
            if len(cells) < 2 or any(cell.tables for cell in cells):
                lines += [line for cell in cells for line in _docx_blocks(cell)]
            else:
                lines.append(" ".join(text for text in (" ".join(cell.text.split()) for cell in cells) if text))
    return lines


def _docx_paragraph(para) -> str:
    """A paragraph's text, with '• ' before a list item."""
    style = (para.style.name if para.style is not None else "") or ""
    text = para.text
    if text.strip() and style.lower().startswith("list"):
        text = "• " + text.strip()
    return text
